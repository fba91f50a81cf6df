#include "config/load_plan.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "config/options.h"
#include "util/duration.h"
#include "util/text.h"

namespace nest::host {
std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_rate(std::string_view text) {
  std::string t = trim(text);
  double per = 1;
  if (t.ends_with("/s")) {
    t.resize(t.size() - 2);
  } else if (t.ends_with("/m")) {
    t.resize(t.size() - 2);
    per = 60;
  }
  auto value = parse_number(trim(t));
  if (!value || *value < 0) return std::nullopt;
  return *value / per;
}

std::uint64_t most_users(const RunSettings& run) {
  if (run.model == LoadModel::kOpen) return run.max_users.value_or(0);
  if (run.stages.empty()) return run.users;
  std::uint64_t most = 1;
  for (const auto& stage : run.stages) {
    most = std::max(most, static_cast<std::uint64_t>(stage.target));
  }
  return most;
}

bool is_rate_stage(std::string_view text) {
  std::string t = trim(text);
  return t.ends_with("/s") || t.ends_with("/m");
}

Stage parse_stage(std::string_view text, bool rates, const std::string& where) {
  std::string part = trim(text);
  auto colon = part.find(':');
  auto fail = [&](const std::string& why) {
    throw UsageError(
        where + ": stage '" + part + "' " + why +
        (rates ? " (write DURATION:RATE, e.g. 1m:50/s)" : " (write DURATION:USERS, e.g. 30s:100)"));
  };
  if (colon == std::string::npos) fail("has no ':'");
  std::string duration_text = trim(std::string_view(part).substr(0, colon));
  std::string target_text = trim(std::string_view(part).substr(colon + 1));
  auto duration = parse_duration(duration_text);
  if (!duration) fail("has a duration that is not one ('" + duration_text + "')");
  Stage stage;
  stage.duration = *duration;
  if (rates) {
    if (!is_rate_stage(target_text)) fail("needs a rate with its unit ('" + target_text + "')");
    auto rate = parse_rate(target_text);
    if (!rate) fail("has a rate that is not one ('" + target_text + "')");
    stage.target = *rate;
  } else {
    if (is_rate_stage(target_text)) {
      fail("is a rate: arrival rates go in --rate-stages (the open model)");
    }
    long long users = 0;
    auto [end, ec] =
        std::from_chars(target_text.data(), target_text.data() + target_text.size(), users);
    if (ec != std::errc() || end != target_text.data() + target_text.size() || users < 0) {
      fail("needs a whole number of users ('" + target_text + "')");
    }
    stage.target = static_cast<double>(users);
  }
  return stage;
}

std::vector<Stage> parse_stages(std::string_view text, bool rates, const std::string& where) {
  std::vector<Stage> stages;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t comma = text.find(',', at);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view part = text.substr(at, comma - at);
    if (!trim(part).empty()) stages.push_back(parse_stage(part, rates, where));
    at = comma + 1;
  }
  if (stages.empty()) throw UsageError(where + ": no stage given");
  return stages;
}

}  // namespace nest::host
