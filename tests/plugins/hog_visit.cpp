// Test taskset for the open model that breaks the rule: each session busy-waits 20 ms, so at
// 100 sessions a second one thread cannot keep the schedule and sessions start late.
#include <nest/nest.h>

#include <chrono>

class HogVisit : public nest::TaskSet {
 public:
  HogVisit() {
    task(1, "spin", [this] {
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
      interrupt();
    });
  }
};
NEST_TASKSET(HogVisit)
