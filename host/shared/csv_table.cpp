#include "shared/csv_table.h"

#include <csv.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

namespace nest::host {
namespace {

// What libcsv's callbacks build: rows as they end, each with the line it ended on.
struct Builder {
  std::vector<std::string> row;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> row_lines;
  std::size_t line = 0;  // the line being parsed, 1-based
};

void on_field(void* data, std::size_t size, void* builder) {
  static_cast<Builder*>(builder)->row.emplace_back(static_cast<const char*>(data), size);
}

void on_row_end(int, void* builder) {
  auto* b = static_cast<Builder*>(builder);
  b->rows.push_back(std::move(b->row));
  b->row.clear();
  b->row_lines.push_back(b->line);
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

}  // namespace

CsvTable parse_csv_table(const std::string& text, const std::string& path) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) fail(path, "out of memory");
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> owner(&parser, csv_free);
  Builder b;
  std::size_t at = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) at = 3;  // a byte-order mark
  // Line by line, so every row and every error knows its line.
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    ++b.line;
    std::size_t length = end - at;
    if (csv_parse(&parser, text.data() + at, length, on_field, on_row_end, &b) != length) {
      fail(path + ":" + std::to_string(b.line),
           std::string("not valid CSV (") + csv_strerror(csv_error(&parser)) +
               "): a quote in an unquoted field, or text after a closing quote");
    }
    at = end;
  }
  if (csv_fini(&parser, on_field, on_row_end, &b) != 0) {
    fail(path + ":" + std::to_string(b.line), "a quoted field is not closed by the end of the file");
  }
  if (b.rows.empty()) fail(path, "empty: a CSV feeder needs a header row naming its fields");
  CsvTable table;
  table.fields = std::move(b.rows.front());
  std::set<std::string> seen;
  for (const std::string& field : table.fields) {
    if (field.empty()) fail(path + ":" + std::to_string(b.row_lines[0]), "an empty field name in the header");
    if (!seen.insert(field).second) {
      fail(path + ":" + std::to_string(b.row_lines[0]), "the field '" + field + "' is named twice in the header");
    }
  }
  for (std::size_t i = 1; i < b.rows.size(); ++i) {
    if (b.rows[i].size() != table.fields.size()) {
      fail(path + ":" + std::to_string(b.row_lines[i]),
           std::to_string(b.rows[i].size()) + " values, but the header names " +
               std::to_string(table.fields.size()) + " fields");
    }
    table.rows.push_back(std::move(b.rows[i]));
  }
  if (table.rows.empty()) fail(path, "no rows after the header");
  return table;
}

CsvTable read_csv_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open it: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(path, std::string("cannot read it: ") + std::strerror(errno));
  return parse_csv_table(text.str(), path);
}

}  // namespace nest::host
