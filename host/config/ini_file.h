// Reads an INI file (inih) into entries that remember their line, so every later message can
// name file and line.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nest::host {

struct IniEntry {
  std::string section;  // as written, e.g. "weights"
  std::string key;
  std::string value;
  int line = 0;  // 1-based
};

struct IniFile {
  std::string path;
  std::vector<IniEntry> entries;  // in file order
  // "nest.ini:12"
  std::string where(const IniEntry& e) const { return path + ":" + std::to_string(e.line); }
};

// A problem in a configuration file; the message names file and line.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ConfigError when the file cannot be opened or a line is not `key = value`, `[section]`,
// a comment or blank.
IniFile read_ini(const std::string& path);

// The same for a file's content already in memory (`path` only names it in entries and
// messages): read line by line exactly as read_ini reads a file.
IniFile parse_ini(std::string_view text, const std::string& path);

}  // namespace nest::host
