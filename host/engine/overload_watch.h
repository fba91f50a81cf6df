// Warns once when the load generator, not the target, is likely the bottleneck: CPU above 90 %
// of the threads it may use, or event-loop lag of 100 ms or more, in 3 of the last 5 seconds.
// Lag with the CPU mostly idle is named as what it nearly always is: a blocking call in a task.
// Reads real time and the process's real CPU use (not the engine's clock): it describes the
// machine. The CPU is measured against the cores the worker threads may use: their number,
// and no more than the CPUs the process may run on (its affinity; a container's CPU quota is
// not read). The whole process counts: the run's thread and libcurl's resolver threads too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nest::host {

class OverloadWatch {
 public:
  explicit OverloadWatch(unsigned threads);

  // Called once a second with the worst lag of the workers' loops in that second; returns a
  // warning the first time the generator looks saturated, else an empty string.
  std::string check(std::uint64_t max_lag_us);
  // The CPU of the second check() measured last: the process's CPU time over the wall time
  // and the cores its threads may use (0..1; a little over 1 from timing jitter).
  double cpu() const { return usage_; }

 private:
  unsigned cores_;
  std::chrono::steady_clock::time_point last_wall_;
  double last_cpu_;
  double usage_ = 0;
  unsigned recent_ = 0;  // a bit per second, newest lowest: saturated or not
  bool warned_ = false;
};

}  // namespace nest::host
