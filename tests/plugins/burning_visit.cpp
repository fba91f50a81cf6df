// Test taskset for the open model whose sessions cost the generator dear: one request, then
// 20 ms of busy CPU. On one thread, about 45 sessions a second fill a core: past that the
// generator, not the system under test, is the limit.
#include <nest/nest.h>

#include <chrono>

class BurningVisit : public nest::TaskSet {
 public:
  BurningVisit() {
    task(1, "visit", [this] {
      client().get("/items");
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
      interrupt();
    });
  }
};
NEST_TASKSET(BurningVisit)
