// The CSV reader of nest::Feeder::csv (a file the user gives). Every input is either an error
// naming the file, or a table whose rows all have the header's width, with non-empty, distinct
// field names and at least one row; and that table, written back with every field quoted,
// reads back the same.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#include "shared/csv_table.h"

using namespace nest::host;

namespace {

std::string quoted(const std::vector<std::string>& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : row[i]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out + "\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  CsvTable table;
  try {
    table = parse_csv_table(text, "fuzz.csv");
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("fuzz.csv", 0) != 0) std::abort();  // names the file
    return 0;
  }
  if (table.fields.empty() || table.rows.empty()) std::abort();
  std::set<std::string> names(table.fields.begin(), table.fields.end());
  if (names.size() != table.fields.size() || names.count("")) std::abort();
  std::string again = quoted(table.fields);
  for (const auto& row : table.rows) {
    if (row.size() != table.fields.size()) std::abort();
    again += quoted(row);
  }
  CsvTable back = parse_csv_table(again, "again.csv");  // must not throw
  if (back.fields != table.fields || back.rows != table.rows) std::abort();
  return 0;
}
