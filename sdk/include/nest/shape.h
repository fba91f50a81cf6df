// nest/shape.h — a load shape in code: how many users the run wants, second by second (Locust's
// LoadTestShape). Choose it with nest-host --shape NAME; it replaces -u, -r, -t and --stages.
//
//     class Spike : public nest::LoadShape {
//      public:
//       std::optional<Step> tick(std::chrono::duration<double> elapsed) override {
//         if (elapsed < 60s) return Step{10, 10};     // warm up: 10 users
//         if (elapsed < 90s) return Step{200, 50};    // the spike: 200 users, started 50 a second
//         if (elapsed < 150s) return Step{10, 50};    // back down: users leave 50 a second
//         return std::nullopt;                        // done: the run stops
//       }
//     };
//     NEST_SHAPE(Spike)
//
// nest-host builds one object of the class when the run starts and calls tick() about once a
// second on its control thread (never on a user's thread: client() and sleep() are not
// available there), from elapsed 0. Users leaving keep the taskset mix, finish their current
// task within --stop-timeout and run on_stop. An exception from tick() is reported with its
// message and ends the run like Ctrl-C: every result measured so far is written.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "nest/detail/visibility.h"

namespace nest {

class NEST_SDK_API LoadShape {
 public:
  struct Step {
    std::uint64_t users;  // users wanted now
    double spawn_rate;    // users started (or stopped) per second to get there; 0 = at once
  };

  virtual ~LoadShape() = default;

  // What the run should aim at, `elapsed` after the first user started; nullopt ends the run.
  virtual std::optional<Step> tick(std::chrono::duration<double> elapsed) = 0;
};

}  // namespace nest
