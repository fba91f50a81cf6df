#include "util/duration.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nest::host
