// Where results are written, checked before a run rather than after it: a symlink is written
// through to its target (never replaced by a file), a folder, device or pipe at the path is
// refused, and the folder must exist and be writable.
#pragma once

#include <string>
#include <vector>

namespace nest::host {

// `path` with its symlinks followed (up to 40). Throws std::runtime_error, naming `path`, when
// it is (or points to) something other than a regular file, or its folder is missing or not
// writable.
std::string resolve_output_path(const std::string& path);

// One file a command will write, and the flag that asked for it.
struct OutputFile {
  std::string flag;  // "--json"
  std::string path;
};

// Checks every output with resolve_output_path, and that no two of them are the same file
// (`--json x --html x`, or through a symlink). Returns one message per problem, each naming
// the flag and the path; empty when all can be written.
std::vector<std::string> check_output_files(const std::vector<OutputFile>& outputs);

}  // namespace nest::host
