// Test taskset that breaks the rule: it busy-waits 300 ms in a task, stalling its thread, so
// nest-host must warn that the generator is the bottleneck.
#include <nest/nest.h>

#include <chrono>

class Hog : public nest::TaskSet {
 public:
  Hog() {
    task(1, "spin", [this] {
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
      while (std::chrono::steady_clock::now() < until) {
      }
      client().get("/");
    });
  }
};
NEST_TASKSET(Hog)
