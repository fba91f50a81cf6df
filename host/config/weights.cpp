#include "config/weights.h"

#include <charconv>
#include <map>

namespace nest::host {

WeightResolution resolve_weights(const std::vector<DiscoveredTaskset>& discovered,
                                 const IniFile* ini) {
  WeightResolution out;
  std::map<std::string, std::size_t> by_name;
  for (const auto& d : discovered) {
    by_name[d.type.name] = out.tasksets.size();
    out.tasksets.push_back({d.type, "plugin default"});
  }
  if (!ini) return out;
  for (const auto& e : ini->entries) {
    if (e.section != "weights") continue;
    int weight = -1;
    const char* end = e.value.data() + e.value.size();
    auto [ptr, ec] = std::from_chars(e.value.data(), end, weight);
    if (ec != std::errc() || ptr != end || weight < 0) {
      throw ConfigError(ini->where(e) + ": weight of " + e.key +
                        " must be a whole number from 0 (got '" + e.value + "')");
    }
    auto it = by_name.find(e.key);
    if (it == by_name.end()) {
      std::string names;
      for (const auto& [name, _] : by_name) names += (names.empty() ? "" : ", ") + name;
      out.warnings.push_back(ini->where(e) + ": no taskset named '" + e.key +
                             "' was found (found: " + (names.empty() ? "none" : names) + ")");
      continue;
    }
    WeightedTaskset& t = out.tasksets[it->second];
    t.type.weight = weight;
    t.source = ini->where(e);
  }
  return out;
}

std::vector<TasksetType> taking_part(const WeightResolution& resolution) {
  std::vector<TasksetType> out;
  for (const auto& t : resolution.tasksets) {
    if (t.type.weight > 0) out.push_back(t.type);
  }
  return out;
}

}  // namespace nest::host
