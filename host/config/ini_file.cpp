#include "config/ini_file.h"

#include <ini.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace nest::host {
namespace {

struct Reader {
  std::FILE* file;
  int line = 0;      // lines handed to inih so far: the one it is parsing
  int too_long = 0;  // the first line that does not fit inih's buffer, or 0
  int longest = 0;   // what fits
};

// Hands inih one line. A line longer than inih's buffer would be split into two (the rest read
// as a line of its own): instead, reading stops there and read_ini names the line.
char* read_line(char* buffer, int size, void* stream) {
  auto* reader = static_cast<Reader*>(stream);
  char* got = std::fgets(buffer, size, reader->file);
  if (!got) return nullptr;
  ++reader->line;
  std::size_t length = std::strlen(got);
  if (length + 1 == static_cast<std::size_t>(size) && got[length - 1] != '\n' &&
      !std::feof(reader->file)) {
    reader->too_long = reader->line;
    reader->longest = size - 2;  // without the newline
    return nullptr;
  }
  return got;
}

struct Parse {
  Reader* reader;
  IniFile* file;
};

int on_entry(void* user, const char* section, const char* key, const char* value) {
  auto* parse = static_cast<Parse*>(user);
  parse->file->entries.push_back({section, key, value, parse->reader->line});
  return 1;
}

// Parses an open stream: what read_ini and parse_ini share.
IniFile parse_stream(std::FILE* f, const std::string& path) {
  IniFile ini;
  ini.path = path;
  Reader reader{f};
  Parse parse{&reader, &ini};
  int result = ini_parse_stream(&read_line, &reader, &on_entry, &parse);
  if (reader.too_long) {
    throw ConfigError(path + ":" + std::to_string(reader.too_long) + ": longer than " +
                      std::to_string(reader.longest) + " bytes, which this reader cannot take");
  }
  if (result > 0) {
    throw ConfigError(path + ":" + std::to_string(result) +
                      ": not an INI line (expected `key = value`, `[section]` or `# comment`)");
  }
  if (result < 0) throw ConfigError(path + ": cannot be parsed");
  return ini;
}

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, CloseFile>;

}  // namespace

IniFile read_ini(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ConfigError(path + ": not a file" +
                      (std::filesystem::is_directory(path, ec) ? " but a folder" : "") +
                      ": give an INI file");
  }
  File f(std::fopen(path.c_str(), "r"));
  if (!f) throw ConfigError(path + ": cannot be read: " + std::strerror(errno));
  return parse_stream(f.get(), path);
}

IniFile parse_ini(std::string_view text, const std::string& path) {
  // A stream over the bytes (POSIX fmemopen), so that they are read as read_ini reads a file.
  static char empty[1] = {};
  char* data = text.empty() ? empty : const_cast<char*>(text.data());  // opened read-only
  File f(fmemopen(data, text.size(), "r"));
  if (!f) throw ConfigError(path + ": cannot be read: " + std::strerror(errno));
  return parse_stream(f.get(), path);
}

}  // namespace nest::host
