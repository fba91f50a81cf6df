#include "util/duration.h"

#include <gtest/gtest.h>

#include "util/byte_size.h"

namespace nest::host {
namespace {
using std::chrono::milliseconds;

TEST(Duration, LocustForms) {
  EXPECT_EQ(parse_duration("90"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("1h2m3s"), milliseconds(3'723'000));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(Duration, RejectsGarbage) {
  for (const char* bad : {"", "-5", "5x", "m", "1.5s", "s30", "10 s", "9999999999"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(ByteSize, BinaryAndDecimalUnits) {
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("100B"), 100u);
  EXPECT_EQ(parse_byte_size("512KiB"), 512u * 1024);
  EXPECT_EQ(parse_byte_size("10MiB"), 10u << 20);
  EXPECT_EQ(parse_byte_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("64KB"), 64000u);
  EXPECT_EQ(parse_byte_size("10MB"), 10000000u);
  EXPECT_EQ(parse_byte_size("0"), 0u);
  for (const char* bad : {"", "-1", "1.5MiB", "10 MiB", "10mb", "MiB", "99999999999GiB"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
  EXPECT_EQ(describe_byte_size(10u << 20), "10 MiB");
  EXPECT_EQ(describe_byte_size(1536), "1536 bytes");
  EXPECT_EQ(describe_byte_size(2048), "2 KiB");
}

}  // namespace
}  // namespace nest::host
