// The classes a loaded plugin exports: taskset classes and load shapes, with what the loader
// learned of them and how to build one.
#pragma once

#include <nest/plugin.h>

#include <string>

namespace nest::host {

// One taskset class from a loaded plugin. The library stays loaded for the process's life, so
// `create` stays callable.
struct TasksetType {
  std::string name;    // display name (NEST_TASKSET's), the taskset's identity
  std::string plugin;  // path of the plugin file it came from
  int weight = 1;      // resolved weight (> 0 to take part)
  // Users that always run this taskset (TaskSet::fixed_count), whatever the weights; 0: none.
  int fixed_count = 0;
  nest::Transport transport = nest::Transport::kDefault;  // the taskset's choice in code
  nest::TaskSet* (*create)(const nest::detail::Host*) = nullptr;
};

// One load shape class (NEST_SHAPE) from a loaded plugin, for --shape.
struct ShapeType {
  std::string name;    // the name --shape takes
  std::string plugin;  // path of the plugin file it came from
  nest::LoadShape* (*create)() = nullptr;
};

// One run-hooks class (NEST_RUN_HOOKS) from a loaded plugin.
struct RunHooksType {
  std::string name;    // the class name
  std::string plugin;  // path of the plugin file it came from
  nest::RunHooks* (*create)(const nest::detail::Host*) = nullptr;
};

}  // namespace nest::host
