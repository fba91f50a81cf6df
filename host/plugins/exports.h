// What NEST_TASKSET leaves in a plugin (nest/plugin.h), read in two steps: from the file's
// symbol table without running anything, whether it is a Nest plugin at all; then, once loaded,
// its taskset exports, each checked against this nest-host's binary contract before anything
// else of it is used.
#pragma once

#include <nest/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace nest::host {

struct PluginSymbols {
  bool entry_point = false;         // nest_plugin_tasksets (ABI 3 on)
  std::vector<std::string> legacy;  // nest_taskset_<Class> (ABI 1 and 2): refused, with version
  bool empty() const { return !entry_point && legacy.empty(); }
};

// Reads `file`'s symbol table. Throws std::exception when it is not a shared library.
PluginSymbols read_plugin_symbols(const std::filesystem::path& file);

struct PluginExports {
  std::vector<const nest::detail::TasksetExport*> tasksets;  // when `problem` is empty
  std::string problem;  // why none may be used (another ABI version), naming both sides
};

// The taskset exports of a loaded `library`. Calls its nest_plugin_tasksets (plugin code that
// only returns the bounds of its exports), and reads them only if its ABI version is ours.
PluginExports plugin_exports(const boost::dll::shared_library& library,
                             const PluginSymbols& symbols);

// Why this nest-host must not use `entry` (another C++ runtime), naming both sides, or empty.
std::string incompatibility(const nest::detail::TasksetExport& entry);

}  // namespace nest::host
