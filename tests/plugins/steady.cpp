// Test taskset: one request every millisecond per user (constant pacing), for runs on the
// engine's manual clock, where a taskset that never waits would never let time move.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Steady : public nest::TaskSet {
 public:
  Steady() {
    wait_time(nest::constant_pacing(1ms));
    task(1, "browse", [this] { client().get("/items"); });
  }
};
NEST_TASKSET(Steady)
