// Test taskset: a 250 ms task paced at one start every 400 ms.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Pacing : public nest::TaskSet {
 public:
  Pacing() {
    wait_time(nest::constant_pacing(400ms));
    task(1, "slow", [this] { client().get("/slow?ms=250", {.name = "/slow"}); });
  }
};
NEST_TASKSET(Pacing)
