// Loads a plugin in a child process first, so one that crashes, aborts, hangs or throws while
// loading (static constructors) or while building its tasksets cannot take nest-host down.
#pragma once

#include <nest/plugin.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "plugins/exports.h"

namespace nest::host {

// What a taskset's factory gets while plugins are discovered and probed: no user runs yet, so
// client() or sleep() in a constructor fails as the SDK documents. The engine hands its own
// host to the factory when it builds tasksets for users.
const nest::detail::Host* discovery_host();

// Forks; the child loads `file` and builds one object of each taskset it exports (`symbols`,
// plugins/exports.h), then exits. Returns why the child did not come back cleanly, or an empty
// string. Exceptions thrown by a factory are not a probe failure: the in-process check reports
// them with their message. Precondition: no other threads run (call before the engine starts).
std::string probe_in_child(const std::filesystem::path& file, const PluginSymbols& symbols,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace nest::host
