// Heap allocations per request in steady state, counted by replacing operator new in this test
// program. The fast transport reuses its request bytes, read buffer and parser input, so what
// is left per request is the Response handed to the task: its body and header strings and the
// headers vector. This test pins that down, so a change that allocates on the hot path fails.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "demo_target.h"
#include "engine_run.h"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace nest::test {
namespace {
using namespace std::chrono_literals;

// Allocations per request over a run of the no-wait Counting taskset (GET /items).
double allocations_per_request(host::TransportSettings::Kind kind) {
  DemoTarget target;
  auto settings = quick_settings(target.url(), 4, 100, 3s, 1);
  settings.transport.kind = kind;
  std::uint64_t before = g_allocations.load();
  EngineRun run = run_folder(NEST_TEST_PLUGINS "/counting", settings);
  std::uint64_t allocations = g_allocations.load() - before;
  EXPECT_GT(run.summary.total.requests, 10'000u);
  EXPECT_EQ(run.summary.total.failures, 0u);
  return static_cast<double>(allocations) / static_cast<double>(run.summary.total.requests);
}

TEST(Allocations, FastTransportAllocatesOnlyTheResponsePerRequest) {
  // The demo target's /items answer: an 87-byte body (1 allocation), the headers
  // "Server: nest-demo-target" and "Content-Type: application/json" (values of 16 bytes, past
  // the short-string buffer: 2), "Content-Length: 87" (none), and the headers vector growing to
  // 1, 2 and 4 entries (3). So 6 per request belong to the Response the task receives; the
  // rest of a run (spawning, per-second snapshots, reports) adds a little.
  // (libcurl allocates with malloc, which this count does not see, so curl is not compared.)
  double fast = allocations_per_request(host::TransportSettings::Kind::kFast);
  std::printf("allocations per request (fast transport): %.3f\n", fast);
  EXPECT_LT(fast, 6.1) << "the fast transport allocated on its hot path";
  EXPECT_GE(fast, 6.0) << "fewer than the Response's own: the count itself is wrong";
}

}  // namespace
}  // namespace nest::test
