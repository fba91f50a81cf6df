// Reads a CSV file (RFC 4180, by Debian's libcsv) into a header and rows of text: a feeder's
// data (nest::Feeder::csv).
#pragma once

#include <string>
#include <vector>

namespace nest::host {

struct CsvTable {
  std::vector<std::string> fields;             // the header row
  std::vector<std::vector<std::string>> rows;  // each with fields.size() values
};

// The table in the file at `path`. Blank lines are skipped; a UTF-8 byte-order mark is
// dropped; quoted fields may hold the delimiter, "" for a quote, and line breaks. Throws
// std::runtime_error naming the file and line when it cannot be read, a quote is left open or
// stray, a row's number of values differs from the header's, a field name is empty or
// repeated, or no row follows the header.
CsvTable read_csv_table(const std::string& path);

// The same for text already in memory; `path` only names it in messages.
CsvTable parse_csv_table(const std::string& text, const std::string& path);

}  // namespace nest::host
