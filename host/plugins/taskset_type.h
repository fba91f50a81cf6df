// A taskset class found in a loaded plugin: what the loader learned of it and how to build one.
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
  nest::Transport transport = nest::Transport::kDefault;  // the taskset's choice in code
  nest::TaskSet* (*create)(const nest::detail::Host*) = nullptr;
};

}  // namespace nest::host
