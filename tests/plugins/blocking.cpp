// Test taskset that breaks the rule the other way: it sleeps 300 ms with
// std::this_thread::sleep_for, blocking its thread while the CPU idles, so nest-host must name
// a blocking call as the likely cause.
#include <nest/nest.h>

#include <chrono>
#include <thread>

class Blocking : public nest::TaskSet {
 public:
  Blocking() {
    task(1, "nap", [this] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      client().get("/");
    });
  }
};
NEST_TASKSET(Blocking)
