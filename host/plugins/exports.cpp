#include "plugins/exports.h"

#include <boost/dll/library_info.hpp>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace nest::host {
namespace {

constexpr const char* kTasksetsEntry = "nest_plugin_tasksets";
constexpr const char* kShapesEntry = "nest_plugin_shapes";
constexpr const char* kRunHooksEntry = "nest_plugin_run_hooks";
// ABI 1 and 2 exported `nest_taskset_<Class>` in the section "nest", a pointer to an export
// whose first field is its version. Still recognised, so that such a plugin is refused naming
// its version instead of looking like no plugin at all.
constexpr std::string_view kLegacyPrefix = "nest_taskset_";

std::string other_version(std::uint32_t version) {
  return "built for Nest ABI version " + std::to_string(version) +
         ", this nest-host runs version " + std::to_string(nest::kAbiVersion) +
         ": rebuild it against this SDK";
}

}  // namespace

PluginSymbols read_plugin_symbols(const std::filesystem::path& file) {
  boost::dll::library_info info(file.string());
  PluginSymbols symbols;
  for (auto& symbol : info.symbols()) {
    symbols.tasksets |= symbol == kTasksetsEntry;
    symbols.shapes |= symbol == kShapesEntry;
    symbols.run_hooks |= symbol == kRunHooksEntry;
  }
  for (auto& symbol : info.symbols("nest")) {
    if (symbol.starts_with(kLegacyPrefix)) symbols.legacy.push_back(symbol);
  }
  return symbols;
}

PluginExports plugin_exports(const boost::dll::shared_library& library,
                             const PluginSymbols& symbols) {
  PluginExports out;
  for (const auto& symbol : symbols.legacy) {
    if (!library.has(symbol)) continue;
    const auto* version = static_cast<const std::uint32_t*>(library.get<const void*>(symbol));
    if (*version != nest::kAbiVersion) {
      out.problem = other_version(*version);
      return out;
    }
  }
  if (!symbols.tasksets && !symbols.shapes && !symbols.run_hooks) {
    out.problem = "exports tasksets in a form this nest-host does not know";
    return out;
  }
  // Calls an entry point; false (and `problem` set) when its version is not ours.
  auto read = [&](const char* name, auto& into) {
    using Export = std::remove_const_t<
        std::remove_pointer_t<typename std::decay_t<decltype(into)>::value_type>>;
    if (!library.has(name)) return true;
    auto& entry_point = library.get<std::uint32_t(const void* const**, const void* const**)>(name);
    const void* const* begin = nullptr;
    const void* const* end = nullptr;
    if (std::uint32_t version = entry_point(&begin, &end); version != nest::kAbiVersion) {
      out.problem = other_version(version);
      return false;
    }
    for (auto it = begin; it != end; ++it) {
      if (*it) into.push_back(static_cast<const Export*>(*it));
    }
    return true;
  };
  if (!read(kTasksetsEntry, out.tasksets) || !read(kShapesEntry, out.shapes) ||
      !read(kRunHooksEntry, out.run_hooks)) {
    return out;
  }
  if (out.tasksets.empty() && out.shapes.empty() && out.run_hooks.empty()) {
    out.problem = "exports no Nest tasksets (no NEST_TASKSET in it)";
  }
  return out;
}

std::string incompatibility(std::uint32_t abi_version, const char* runtime, const char* compiler) {
  if (abi_version != nest::kAbiVersion) return other_version(abi_version);
  if (std::strcmp(runtime, nest::detail::kRuntime) != 0) {
    return std::string("built for another C++ runtime: ") + runtime + " (" + compiler +
           "), and this nest-host runs " + nest::detail::kRuntime + " (" + nest::detail::kCompiler +
           "): rebuild it with the same standard library";
  }
  return {};
}

}  // namespace nest::host
