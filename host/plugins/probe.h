// Loads a plugin in a child process first, so one that crashes, aborts, hangs or throws while
// loading (static constructors) or while building its tasksets cannot take nest-host down.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace nest::host {

// Forks; the child loads `file` and builds one object of each taskset named by `symbols`
// (nest_taskset_*), then exits. Returns why the child did not come back cleanly, or an empty
// string. Exceptions thrown by a factory are not a probe failure: the in-process check reports
// them with their message. Precondition: no other threads run (call before the engine starts).
std::string probe_in_child(const std::filesystem::path& file,
                           const std::vector<std::string>& symbols,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace nest::host
