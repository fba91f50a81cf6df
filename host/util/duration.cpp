#include "util/duration.h"

#include <cctype>
#include <cstdio>

namespace nest::host {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (text.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  long long total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    long long value = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (++digits > 9) return std::nullopt;
      value = value * 10 + (text[i++] - '0');
    }
    std::string_view rest = text.substr(i);
    long long unit_ms;
    if (rest.starts_with("ms")) {
      unit_ms = 1;
      i += 2;
    } else if (rest.starts_with("h")) {
      unit_ms = 3'600'000;
      ++i;
    } else if (rest.starts_with("m")) {
      unit_ms = 60'000;
      ++i;
    } else if (rest.starts_with("s")) {
      unit_ms = 1000;
      ++i;
    } else {
      return std::nullopt;
    }
    total_ms += value * unit_ms;
  }
  return std::chrono::milliseconds(total_ms);
}

}  // namespace nest::host

namespace nest::host {

std::string format_duration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  return text;
}

}  // namespace nest::host
