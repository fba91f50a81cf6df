#include "engine/overload_watch.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <thread>

namespace nest::host {
namespace {

// The CPUs this process may run on (its affinity, as taskset or a container's cpuset set it),
// not every CPU of the machine.
unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    return std::max(1, CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

OverloadWatch::OverloadWatch(unsigned threads)
    : cores_(std::max(1u, std::min(threads, usable_cpus()))),
      last_wall_(std::chrono::steady_clock::now()),
      last_cpu_(process_cpu_seconds()) {}

std::string OverloadWatch::check(std::uint64_t max_lag_us) {
  auto now = std::chrono::steady_clock::now();
  double cpu = process_cpu_seconds();
  double wall = std::chrono::duration<double>(now - last_wall_).count();
  double usage = wall > 0 ? (cpu - last_cpu_) / (wall * cores_) : 0;
  last_wall_ = now;
  last_cpu_ = cpu;
  usage_ = usage;
  // Saturated in 3 of the last 5 seconds: one quiet second must not hide an overload.
  recent_ = (recent_ << 1 | ((usage >= 0.9 || max_lag_us >= 100'000) ? 1u : 0u)) & 0x1f;
  if (warned_ || std::popcount(recent_) < 3) return {};
  warned_ = true;
  char text[640];
  if (usage < 0.5 && max_lag_us >= 100'000) {
    // The loop stalls while the CPU idles: the thread waits in a call, it does not compute.
    std::snprintf(text, sizeof text,
                  "warning: a task blocks its worker thread (event-loop lag up to %.0f ms while "
                  "CPU was %.0f%% of %u core(s)): most likely a blocking call in task code, such "
                  "as std::this_thread::sleep_for, a blocking socket or database client, or a "
                  "mutex held long. Every user on that thread waits meanwhile, so response times "
                  "and rates reflect nest-host, not the target. Use the SDK's sleep() and "
                  "non-blocking clients (docs/tasksets.md); more --threads only hide it.",
                  max_lag_us / 1000.0, usage * 100, cores_);
    return text;
  }
  std::snprintf(text, sizeof text,
                "warning: the load generator is saturated (CPU %.0f%% of %u core(s), event-loop "
                "lag up to %.0f ms): response times and rates may reflect nest-host, not the "
                "target. Use more --threads or fewer users per machine.",
                usage * 100, cores_, max_lag_us / 1000.0);
  return text;
}

}  // namespace nest::host
