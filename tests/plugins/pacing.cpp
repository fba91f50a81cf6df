// Test taskset: a 250 ms task (a nest::sleep, then one request) paced at one start every 400 ms.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Pacing : public nest::TaskSet {
 public:
  Pacing() {
    wait_time(nest::constant_pacing(400ms));
    task(1, "slow", [this] {
      nest::sleep(250ms);
      client().get("/");
    });
  }
};
NEST_TASKSET(Pacing)
