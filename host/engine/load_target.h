// What a run aims at, at a moment: the control surface's vocabulary (engine/run.h), used by
// schedules (stages, shapes), and later by a capacity search, the web UI and a master.
#pragma once

#include <chrono>
#include <cstdint>
#include <variant>

namespace nest::host {

// Closed model: this many users, started (or stopped) `spawn_rate` a second from now on; the
// first at once. 0 or less: all at once.
struct UsersTarget {
  std::uint64_t users = 0;
  double spawn_rate = 0;
};

// Open model: sessions arrive `rate` a second, reached linearly from the rate of now over
// `ramp` (0: at once), then held.
struct ArrivalTarget {
  double rate = 0;
  std::chrono::duration<double> ramp{0};
  // From now on, at most this many sessions at once (a distributed run's worker: its share of
  // --max-users, moved with its share of the rate); 0: as it was (the run's --max-users).
  std::uint64_t max_users = 0;
};

using LoadTarget = std::variant<UsersTarget, ArrivalTarget>;

}  // namespace nest::host
