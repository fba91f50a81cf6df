// Trimming what people type (flags, INI lines, thresholds) before reading it.
#pragma once

#include <string>
#include <string_view>

namespace nest::host {

// `text` without leading and trailing spaces, tabs and carriage returns.
inline std::string trim(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r";
  auto begin = text.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  return std::string(text.substr(begin, text.find_last_not_of(kBlank) - begin + 1));
}

}  // namespace nest::host
