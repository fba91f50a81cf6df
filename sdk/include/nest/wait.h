// nest/wait.h — how long a user pauses between two tasks (Locust's wait_time).
//
// A WaitTime is a value: a taskset sets one in its constructor with wait_time(...). The engine
// applies it after every task; the pause ends early only when the test stops. The default is no
// pause at all: each user then runs its tasks back to back.
#pragma once

#include <chrono>

namespace nest {

struct WaitTime {
  enum class Kind {
    kNone,        // no pause
    kBetween,     // uniform random in [low, high]
    kConstant,    // always low
    kPacing,      // task starts `low` apart, whatever the task took (never negative)
  };
  Kind kind = Kind::kNone;
  std::chrono::nanoseconds low{0};
  std::chrono::nanoseconds high{0};
};

// A random pause in [low, high] (Locust's between).
inline WaitTime between(std::chrono::nanoseconds low, std::chrono::nanoseconds high) {
  if (high < low) std::swap(low, high);
  return {WaitTime::Kind::kBetween, low, high};
}

// The same pause after every task (Locust's constant).
inline WaitTime constant(std::chrono::nanoseconds pause) {
  return {WaitTime::Kind::kConstant, pause, pause};
}

// One task every `period`: the pause is what is left of the period after the task ran, or
// nothing if the task took longer (Locust's constant_pacing).
inline WaitTime constant_pacing(std::chrono::nanoseconds period) {
  return {WaitTime::Kind::kPacing, period, period};
}

// At most `tasks_per_second` tasks a second for each user (Locust's constant_throughput).
// A rate <= 0 means no pause.
inline WaitTime constant_throughput(double tasks_per_second) {
  if (tasks_per_second <= 0) return {};
  auto period = std::chrono::nanoseconds(static_cast<long long>(1e9 / tasks_per_second));
  return constant_pacing(period);
}

}  // namespace nest
