// Parses durations as Locust's -t does: "90" (seconds), "30s", "5m", "1h30m", "1h2m3s", and
// also "250ms". Returns nullopt for anything else (empty, negative, unknown unit, overflow).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nest::host {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// For messages: "250 ms", "5 s", "1.5 s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace nest::host
