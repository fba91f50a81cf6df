// The engine's time. Every decision about *when* — spawning users, the end of the run, the
// once-a-second tick, the stop timeout, the pause after a task, nest::sleep — reads EngineClock
// and waits on EngineTimer. It is steady_clock, unless a test holds a ManualTime: then it stands
// still and moves only when the test moves it, so a test can assert exactly what happened at
// each moment instead of counting within wall-clock windows. What is *measured* (response
// times, connect times, CPU use, event-loop lag) always reads steady_clock.
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <chrono>

namespace nest::host {

struct EngineClock {
  using duration = std::chrono::steady_clock::duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<EngineClock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

// How long an event loop may sleep until a timer is due: that long on real time; under a
// ManualTime not at all, so that every poll of the loop checks its timers against the clock
// (the loop's own wake-up timer runs on real time and knows nothing of a moved clock).
struct EngineWaitTraits {
  static EngineClock::duration to_wait_duration(const EngineClock::duration& d);
  static EngineClock::duration to_wait_duration(const EngineClock::time_point& t);
};

using EngineTimer = boost::asio::basic_waitable_timer<EngineClock, EngineWaitTraits>;

// For tests: while it exists, EngineClock::now() is its time, which starts at steady_clock's now
// and moves only by advance(). Thread-safe; at most one at a time.
class ManualTime {
 public:
  ManualTime();
  ~ManualTime();
  ManualTime(const ManualTime&) = delete;
  ManualTime& operator=(const ManualTime&) = delete;

  void advance(EngineClock::duration by);
};

}  // namespace nest::host
