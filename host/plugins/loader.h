// Finds taskset plugins under a folder and loads them, checking each before use.
//
// Checks, in order, for every shared library found (recursively; symlinked folders are not
// followed, so links cannot loop, and hidden folders, named .*, are not searched): it parses as a shared library; it exports Nest's symbols
// (read from the file, without running it); it loads and builds its tasksets in a child
// process without crashing (plugins/probe.h); it loads here; each taskset's ABI version and C++
// runtime equal the host's (plugins/exports.h); its factory returns an object (exceptions caught)
// with at least one task and valid weights. A file failing a check is reported with its path and
// the reason, and skipped. Loaded libraries stay loaded until the process ends: objects they made
// must never outlive their code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plugins/taskset_type.h"

namespace nest::host {

struct TaskInfo {
  std::string name;
  int weight = 0;
  std::vector<std::string> tags;
};

struct DiscoveredTaskset {
  TasksetType type;             // weight = the plugin's default weight
  std::vector<TaskInfo> tasks;  // as registered by its constructor
  bool sequential = false;      // a SequentialTaskSet: tasks in order
};

struct PluginProblem {
  std::string path;
  std::string reason;
};

struct Discovery {
  std::vector<DiscoveredTaskset> tasksets;  // sorted by name
  std::vector<ShapeType> shapes;            // load shapes (NEST_SHAPE), sorted by name
  std::vector<RunHooksType> run_hooks;      // NEST_RUN_HOOKS, in the order found
  std::vector<PluginProblem> problems;      // skipped files, with reasons
  // "Name: a.so and b.so", tasksets and shapes alike (an error for the caller)
  std::vector<std::string> duplicates;
  std::size_t libraries_seen = 0;  // shared libraries examined
};

// Examines one file.
void load_plugin(const std::filesystem::path& file, Discovery& into);
// Examines every shared library under `dir`. Precondition: `dir` is an existing folder.
Discovery discover_plugins(const std::filesystem::path& dir);

}  // namespace nest::host
