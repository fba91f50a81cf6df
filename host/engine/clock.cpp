#include "engine/clock.h"

#include <atomic>
#include <cassert>

namespace nest::host {
namespace {
std::atomic<bool> g_manual{false};
std::atomic<EngineClock::rep> g_manual_now{0};  // ticks since steady_clock's epoch
}  // namespace

EngineClock::time_point EngineClock::now() noexcept {
  if (g_manual.load(std::memory_order_acquire)) {
    return time_point(duration(g_manual_now.load(std::memory_order_acquire)));
  }
  return time_point(std::chrono::steady_clock::now().time_since_epoch());
}

EngineClock::duration EngineWaitTraits::to_wait_duration(const EngineClock::duration& d) {
  if (!g_manual.load(std::memory_order_relaxed)) return d;
  return EngineClock::duration::zero();
}

EngineClock::duration EngineWaitTraits::to_wait_duration(const EngineClock::time_point& t) {
  return to_wait_duration(t - EngineClock::now());
}

ManualTime::ManualTime() {
  assert(!g_manual.load());
  g_manual_now.store(std::chrono::steady_clock::now().time_since_epoch().count());
  g_manual.store(true, std::memory_order_release);
}

ManualTime::~ManualTime() { g_manual.store(false, std::memory_order_release); }

void ManualTime::advance(EngineClock::duration by) {
  g_manual_now.fetch_add(by.count(), std::memory_order_acq_rel);
}

}  // namespace nest::host
