// The INI reader as nest-host meets a --config file. The bytes are read in memory (parse_ini)
// and from a file (read_ini): both must give the same entries or the same error. Then the file
// goes through parse_options whole ([nest] options, [thresholds], [stages]) and [weights].
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/ini_file.h"
#include "config/options.h"
#include "config/weights.h"

using namespace nest::host;

namespace {

std::string g_path;  // the file the input is written to, as --config reads it

void remove_file() { unlink(g_path.c_str()); }

void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

// The entries, or the error's message.
std::string outcome(const IniFile& ini) {
  std::string out;
  int last = 0;
  for (const auto& e : ini.entries) {
    if (e.line < 1 || e.line < last) std::abort();  // lines count up from 1, in file order
    last = e.line;
    out.append(e.section).append("\x1f").append(e.key).append("\x1f").append(e.value);
    out.append("\x1f").append(std::to_string(e.line)).append("\x1e");
  }
  return out;
}

template <typename Read>
std::string outcome_of(Read&& read, IniFile& ini) {
  try {
    ini = read();
    return outcome(ini);
  } catch (const ConfigError& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* dir = std::getenv("TMPDIR");
  g_path = std::string(dir && *dir ? dir : "/tmp") + "/nest-fuzz-ini-XXXXXX";
  int fd = mkstemp(g_path.data());
  if (fd < 0) std::abort();
  close(fd);
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string& path = g_path;
  write_file(path, text);

  IniFile from_memory, from_file;
  std::string memory = outcome_of([&] { return parse_ini(text, path); }, from_memory);
  std::string file = outcome_of([&] { return read_ini(path); }, from_file);
  if (memory != file) {
    std::fprintf(stderr, "parse_ini and read_ini differ:\n  memory: %s\n  file:   %s\n",
                 memory.c_str(), file.c_str());
    std::abort();
  }

  const char* argv[] = {"nest-host", "--config", path.c_str()};
  try {
    Options options = parse_options(3, argv);
    if (options.run.users < 1 || options.run.threads < 1) std::abort();
  } catch (const UsageError&) {
  }

  if (memory.starts_with("error: ")) return 0;
  std::vector<DiscoveredTaskset> discovered(2);
  discovered[0].type.name = "ExampleModel";
  discovered[1].type.name = "WindowShopper";
  try {
    WeightResolution weights = resolve_weights(discovered, &from_memory);
    for (const auto& t : weights.tasksets) {
      if (t.type.weight < 0) std::abort();
    }
  } catch (const ConfigError&) {
  }
  return 0;
}
