// Sizes in bytes as flags take them: "1048576", "512KiB", "10MiB", "1GiB" (powers of 1024),
// "64KB", "10MB", "1GB" (powers of 1000); a "B" alone means bytes. Returns nullopt for anything
// else (empty, negative, a fraction, an unknown unit, overflow).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nest::host {

std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// The shortest exact spelling parse_byte_size reads back: "10 MiB", "512 KiB", "1000 bytes".
std::string describe_byte_size(std::uint64_t bytes);

}  // namespace nest::host
