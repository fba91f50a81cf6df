#include "plugins/loader.h"

#include <nest/plugin.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <map>

#include "plugins/exports.h"
#include "plugins/probe.h"

namespace nest::host {
namespace fs = std::filesystem;
namespace dll = boost::dll;

namespace {

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

// Why `name` cannot be a taskset's display name (it is a key in nest.ini's [weights]), or empty.
std::string name_problem(std::string_view name) {
  if (name.empty()) return "its display name is empty";
  bool spaced =
      name.front() == ' ' || name.back() == ' ' || name.front() == '\t' || name.back() == '\t';
  if (spaced || name.find_first_of("=:;#[]\r\n") != std::string_view::npos) {
    return "its display name '" + std::string(name) +
           "' cannot be a key in nest.ini's [weights] (no = : ; # [ ], no spaces at its ends): "
           "give NEST_TASKSET another name";
  }
  return {};
}

// Creates one object to read its tasks; the object is destroyed at once.
std::string inspect(const nest::detail::TasksetExport& entry, DiscoveredTaskset& out) {
  std::unique_ptr<nest::TaskSet> probe;
  try {
    probe.reset(entry.create(discovery_host()));
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
    out.tasks.push_back({task.name, task.weight, task.tags});
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
  if (probe->fixed_count() < 0) {
    return "its fixed_count is negative (" + std::to_string(probe->fixed_count()) + ")";
  }
  out.type.weight = probe->default_weight();
  out.type.fixed_count = probe->fixed_count();
  out.sequential = probe->sequential();
  return {};
}

}  // namespace

void load_plugin(const fs::path& file, Discovery& into) {
  ++into.libraries_seen;
  auto fail = [&](std::string reason) { into.problems.push_back({file.string(), reason}); };
  PluginSymbols symbols;
  try {
    symbols = read_plugin_symbols(file);
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
  PluginExports exports = plugin_exports(library, symbols);
  if (!exports.problem.empty()) return fail(exports.problem);
  std::vector<DiscoveredTaskset> found;
  for (const nest::detail::TasksetExport* entry : exports.tasksets) {
    std::string why = incompatibility(*entry);
    if (!why.empty()) return fail(why);
    if (why = name_problem(entry->name); !why.empty()) return fail(why);
    DiscoveredTaskset taskset;
    taskset.type.name = entry->name;
    taskset.type.plugin = file.string();
    taskset.type.create = entry->create;
    if (why = inspect(*entry, taskset); !why.empty()) {
      return fail("taskset " + taskset.type.name + ": " + why);
    }
    found.push_back(std::move(taskset));
  }
  std::vector<ShapeType> shapes;
  for (const nest::detail::ShapeExport* entry : exports.shapes) {
    std::string why = incompatibility(*entry);
    if (why.empty()) why = name_problem(entry->name);
    if (why.empty()) {
      try {
        std::unique_ptr<nest::LoadShape>(entry->create());
      } catch (const std::exception& e) {
        why = std::string("its constructor threw: ") + e.what();
      } catch (...) {
        why = "its constructor threw a non-standard exception";
      }
    }
    if (!why.empty()) return fail(std::string("load shape ") + entry->name + ": " + why);
    shapes.push_back({entry->name, file.string(), entry->create});
  }
  std::vector<RunHooksType> hooks;
  for (const nest::detail::RunHooksExport* entry : exports.run_hooks) {
    // Not built here: a constructor may do what only the run should (they run at its start).
    if (std::string why = incompatibility(*entry); !why.empty()) {
      return fail(std::string("run hooks ") + entry->name + ": " + why);
    }
    hooks.push_back({entry->name, file.string(), entry->create});
  }
  registry().push_back(std::move(library));
  for (auto& h : hooks) into.run_hooks.push_back(std::move(h));
  for (auto& t : found) into.tasksets.push_back(std::move(t));
  for (auto& s : shapes) into.shapes.push_back(std::move(s));
}

Discovery discover_plugins(const fs::path& dir) {
  Discovery discovery;
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    // Hidden folders are not searched: .git, or the ..DATE folder a Kubernetes ConfigMap
    // volume keeps its files in (each also linked from the top, so it would count twice).
    if (it->path().filename().string().starts_with(".") && it->is_directory(ec)) {
      it.disable_recursion_pending();
      continue;
    }
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
  std::sort(discovery.shapes.begin(), discovery.shapes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < discovery.shapes.size(); ++i) {
    const auto& a = discovery.shapes[i - 1];
    const auto& b = discovery.shapes[i];
    if (a.name == b.name) {
      discovery.duplicates.push_back("load shape " + a.name + ": " + a.plugin + " and " + b.plugin);
    }
  }
  return discovery;
}

}  // namespace nest::host
