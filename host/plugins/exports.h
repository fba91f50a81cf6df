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
  bool tasksets = false;            // nest_plugin_tasksets (ABI 3 on)
  bool shapes = false;              // nest_plugin_shapes (ABI 3 on)
  bool run_hooks = false;           // nest_plugin_run_hooks (ABI 4 on)
  std::vector<std::string> legacy;  // nest_taskset_<Class> (ABI 1 and 2): refused, with version
  bool empty() const { return !tasksets && !shapes && !run_hooks && legacy.empty(); }
};

// Reads `file`'s symbol table. Throws std::exception when it is not a shared library.
PluginSymbols read_plugin_symbols(const std::filesystem::path& file);

struct PluginExports {
  // When `problem` is empty:
  std::vector<const nest::detail::TasksetExport*> tasksets;
  std::vector<const nest::detail::ShapeExport*> shapes;
  std::vector<const nest::detail::RunHooksExport*> run_hooks;
  std::string problem;  // why none may be used (another ABI version), naming both sides
};

// The exports of a loaded `library`. Calls its entry points (plugin code that only returns the
// bounds of its exports), and reads the exports only if its ABI version is ours.
PluginExports plugin_exports(const boost::dll::shared_library& library,
                             const PluginSymbols& symbols);

// Why this nest-host must not use an export (another ABI version or C++ runtime), naming both
// sides, or empty.
std::string incompatibility(std::uint32_t abi_version, const char* runtime, const char* compiler);
template <typename Export>
std::string incompatibility(const Export& entry) {
  return incompatibility(entry.abi_version, entry.runtime, entry.compiler);
}

}  // namespace nest::host
