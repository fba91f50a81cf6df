// Small formatting helpers shared by the console and CSV renderers.
#pragma once

#include <cstdio>
#include <string>

namespace nest::host {

// "%.*f" into a std::string.
inline std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// Milliseconds as the tables show them: whole numbers from 10 ms, two decimals below, so that
// sub-millisecond loopback times do not all read 0.
inline std::string millis(double ms) { return fixed(ms, ms >= 10 ? 0 : 2); }

// Locust's percentile column titles: 0.5 -> "50%", 0.999 -> "99.9%".
inline std::string percentile_title(double fraction) {
  std::string text = fixed(fraction * 100, 4);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "%";
}

}  // namespace nest::host
