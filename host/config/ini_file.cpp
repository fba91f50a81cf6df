#include "config/ini_file.h"

#include <ini.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nest::host {
namespace {

struct Reader {
  std::FILE* file;
  int line = 0;  // lines handed to inih so far: the one it is parsing
};

char* read_line(char* buffer, int size, void* stream) {
  auto* reader = static_cast<Reader*>(stream);
  char* got = std::fgets(buffer, size, reader->file);
  if (got) ++reader->line;
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

}  // namespace

IniFile read_ini(const std::string& path) {
  IniFile ini;
  ini.path = path;
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) throw ConfigError(path + ": cannot be read: " + std::strerror(errno));
  Reader reader{f};
  Parse parse{&reader, &ini};
  int result = ini_parse_stream(&read_line, &reader, &on_entry, &parse);
  std::fclose(f);
  if (result > 0) {
    throw ConfigError(path + ":" + std::to_string(result) +
                      ": not an INI line (expected `key = value`, `[section]` or `# comment`)");
  }
  if (result < 0) throw ConfigError(path + ": cannot be parsed");
  return ini;
}

}  // namespace nest::host
