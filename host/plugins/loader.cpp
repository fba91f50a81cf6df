#include "plugins/loader.h"

#include <nest/plugin.h>

#include <algorithm>
#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <map>

#include "engine/user.h"
#include "plugins/probe.h"

namespace nest::host {
namespace fs = std::filesystem;
namespace dll = boost::dll;

namespace {

constexpr std::string_view kSymbolPrefix = "nest_taskset_";

// Every library that passed its checks, kept for the life of the process (never destroyed).
std::vector<dll::shared_library>& registry() {
  static auto* libraries = new std::vector<dll::shared_library>();
  return *libraries;
}

bool is_shared_library_name(const fs::path& p) {
  auto ext = p.extension().string();
#if defined(__APPLE__)
  return ext == ".dylib" || ext == ".so";
#elif defined(_WIN32)
  return ext == ".dll";
#else
  return ext == ".so";
#endif
}

// Reads the exported taskset symbols from the file without loading it.
std::vector<std::string> exported_tasksets(const fs::path& file) {
  dll::library_info info(file.string());
  std::vector<std::string> names;
  for (auto& symbol : info.symbols("nest")) {
    if (symbol.starts_with(kSymbolPrefix)) names.push_back(symbol);
  }
  return names;
}

// Creates one object to read its tasks; the object is destroyed at once.
std::string inspect(const nest::detail::TasksetExport& entry, DiscoveredTaskset& out) {
  std::unique_ptr<nest::TaskSet> probe;
  try {
    probe.reset(entry.create(User::host_services()));
  } catch (const std::exception& e) {
    return std::string("its constructor threw: ") + e.what();
  } catch (...) {
    return "its constructor threw a non-standard exception";
  }
  if (!probe) return "its factory returned nothing";
  if (probe->default_weight() < 0) {
    return "its weight is negative (" + std::to_string(probe->default_weight()) + ")";
  }
  bool any_positive = false;
  for (const auto& task : probe->tasks()) {
    if (task.weight < 0) return "task '" + task.name + "' has a negative weight";
    if (!task.run) return "task '" + task.name + "' has no function";
    any_positive = any_positive || task.weight > 0;
    out.tasks.push_back({task.name, task.weight});
  }
  if (!any_positive) return "it has no task with a positive weight";
  switch (auto chosen = probe->transport_choice()) {
    case nest::Transport::kDefault:
    case nest::Transport::kCurl:
    case nest::Transport::kFast:
      out.type.transport = chosen;
      break;
    default:
      return "its transport is not one this nest-host knows (" +
             std::to_string(static_cast<int>(chosen)) + ")";
  }
  out.type.weight = probe->default_weight();
  return {};
}

}  // namespace

void load_plugin(const fs::path& file, Discovery& into) {
  ++into.libraries_seen;
  auto fail = [&](std::string reason) { into.problems.push_back({file.string(), reason}); };
  std::vector<std::string> symbols;
  try {
    symbols = exported_tasksets(file);
  } catch (const std::exception& e) {
    return fail(std::string("not a loadable shared library (") + e.what() + ")");
  }
  if (symbols.empty()) {
    return fail("exports no Nest tasksets (no NEST_TASKSET in it, or not built with the Nest SDK)");
  }
  if (std::string why = probe_in_child(file, symbols); !why.empty()) return fail(why);
  dll::shared_library library;
  try {
    library.load(file.string(), dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return fail(std::string("cannot be loaded: ") + e.what());
  }
  std::vector<DiscoveredTaskset> found;
  for (const auto& symbol : symbols) {
    if (!library.has(symbol)) return fail("symbol " + symbol + " is listed but not loadable");
    const void* address = library.get<const void*>(symbol);
    const auto* entry = static_cast<const nest::detail::TasksetExport*>(address);
    if (entry->abi_version != nest::kAbiVersion) {
      return fail("built for Nest ABI version " + std::to_string(entry->abi_version) +
                  ", this nest-host runs version " + std::to_string(nest::kAbiVersion) +
                  ": rebuild it against this SDK");
    }
    DiscoveredTaskset taskset;
    taskset.type.name = entry->name;
    taskset.type.plugin = file.string();
    taskset.type.create = entry->create;
    if (std::string why = inspect(*entry, taskset); !why.empty()) {
      return fail("taskset " + taskset.type.name + ": " + why);
    }
    found.push_back(std::move(taskset));
  }
  registry().push_back(std::move(library));
  for (auto& t : found) into.tasksets.push_back(std::move(t));
}

Discovery discover_plugins(const fs::path& dir) {
  Discovery discovery;
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_shared_library_name(it->path())) {
      files.push_back(it->path());
    }
  }
  if (ec) discovery.problems.push_back({dir.string(), "cannot be read fully: " + ec.message()});
  std::sort(files.begin(), files.end());
  for (const auto& file : files) load_plugin(file, discovery);

  std::sort(discovery.tasksets.begin(), discovery.tasksets.end(),
            [](const auto& a, const auto& b) { return a.type.name < b.type.name; });
  for (std::size_t i = 1; i < discovery.tasksets.size(); ++i) {
    const auto& a = discovery.tasksets[i - 1].type;
    const auto& b = discovery.tasksets[i].type;
    if (a.name == b.name) {
      discovery.duplicates.push_back(a.name + ": " + a.plugin + " and " + b.plugin);
    }
  }
  return discovery;
}

}  // namespace nest::host
