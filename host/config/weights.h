// Resolves each taskset's weight: the INI file's [weights] section over the plugin's default.
#pragma once

#include <string>
#include <vector>

#include "config/ini_file.h"
#include "plugins/loader.h"

namespace nest::host {

struct WeightedTaskset {
  TasksetType type;    // type.weight is the resolved weight (0 = left out)
  std::string source;  // "nest.ini:7" or "plugin default"
};

struct WeightResolution {
  std::vector<WeightedTaskset> tasksets;  // every discovered taskset, in discovery order
  std::vector<std::string> warnings;      // e.g. a name that matches no taskset
};

// Throws ConfigError naming file and line for a weight that is not a non-negative integer.
WeightResolution resolve_weights(const std::vector<DiscoveredTaskset>& discovered,
                                 const IniFile* ini);

// Those with a weight above 0: what runs.
std::vector<TasksetType> taking_part(const WeightResolution& resolution);

}  // namespace nest::host
