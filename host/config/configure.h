// nest-host --configure: asks for each taskset's weight and saves them to the INI file.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "config/weights.h"

namespace nest::host {

struct ConfigureResult {
  WeightResolution weights;  // what was chosen (source: the saved file)
  std::string path;          // where it was saved
  bool run_now = false;
};

// The dialogue, on `in`/`out`:
//   Weight for ExampleModel [5]:   Enter keeps the shown value (the file's, else the default),
//                                  a whole number from 0 sets it, anything else re-asks.
//   (the resulting table)
//   Save to [nest.ini]:            Enter keeps the --config path.
//   Run now? [Y/n]
// The file keeps every other section, key and comment, and is replaced atomically.
// Returns nullopt when the input ends (Ctrl-D) before saving: then nothing was written.
// Throws std::runtime_error when the file cannot be written.
std::optional<ConfigureResult> configure_weights(const WeightResolution& current,
                                                 const std::string& default_path, std::FILE* in,
                                                 std::FILE* out);

}  // namespace nest::host
