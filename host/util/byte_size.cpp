#include "util/byte_size.h"

#include <charconv>
#include <limits>

namespace nest::host {

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  struct Unit {
    std::string_view name;
    std::uint64_t bytes;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},      {"B", 1},        {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30},
      {"KB", 1000}, {"MB", 1000000}, {"GB", 1000000000}};
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    if (number > std::numeric_limits<std::uint64_t>::max() / u.bytes) return std::nullopt;
    return number * u.bytes;
  }
  return std::nullopt;
}

std::string describe_byte_size(std::uint64_t bytes) {
  static constexpr std::pair<const char*, std::uint64_t> kUnits[] = {
      {" GiB", 1ull << 30}, {" MiB", 1ull << 20}, {" KiB", 1ull << 10}};
  for (const auto& [name, size] : kUnits) {
    if (bytes >= size && bytes % size == 0) return std::to_string(bytes / size) + name;
  }
  return std::to_string(bytes) + " bytes";
}

}  // namespace nest::host
