// Small text helpers for what people type (flags, INI lines, thresholds) and for HTTP names.
// Part of util/, the room every layer may use and that uses none.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace nest::host {

// `text` without leading and trailing spaces, tabs and carriage returns.
inline std::string trim(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r";
  auto begin = text.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  return std::string(text.substr(begin, text.find_last_not_of(kBlank) - begin + 1));
}

// ASCII case-insensitive equality, as header and cookie attribute names compare.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// `text` as valid UTF-8: each byte that does not begin a well-formed sequence (stray
// continuation bytes, truncated or overlong sequences, surrogates, past U+10FFFF) becomes
// U+FFFD. Valid text comes back unchanged.
std::string valid_utf8(std::string_view text);

// `text` safe to show on a terminal: control characters (below 0x20, and 0x7F) as \xNN, so a
// name from the system under test cannot move the cursor, clear the screen or ring the bell.
std::string printable(std::string_view text);

// The valid key closest to `key` (edit distance at most 3), or empty: for "did you mean".
std::string nearest(const std::string& key, const std::vector<std::string>& valid);

}  // namespace nest::host
