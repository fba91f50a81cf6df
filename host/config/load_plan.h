// The words for a load plan on the command line and in the INI file: rates ("200/s", "90/m")
// and stages ("30s:100, 2m:100, 30s:0" of users; "1m:50/s, 5m:400/s" of arrival rates).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/run_plan.h"

namespace nest::host {

// A finite number, the whole text ("12", "0.5", "1e3"); none otherwise.
std::optional<double> parse_number(std::string_view text);

// Arrivals per second from "200/s", "90/m" or "200" (per second). None when it is not a rate
// of at least 0.
std::optional<double> parse_rate(std::string_view text);

// A plan of stages, "DURATION:TARGET, ...". With `rates`, every target is a rate ("50/s");
// without, a whole number of users. Throws UsageError naming `where` (a flag, or file:line)
// and the part that is wrong.
std::vector<Stage> parse_stages(std::string_view text, bool rates, const std::string& where);

// One stage, "DURATION:TARGET", as an INI [stages] line gives it; `rates` as above.
Stage parse_stage(std::string_view text, bool rates, const std::string& where);

// The most users (open model: sessions) the plan can have running at once: -u, the largest
// stage, or --max-users; 0 when nothing bounds it (an uncapped open model).
std::uint64_t most_users(const RunSettings& run);

// Whether a stage's target is written as a rate ("/s", "/m").
bool is_rate_stage(std::string_view text);

}  // namespace nest::host
