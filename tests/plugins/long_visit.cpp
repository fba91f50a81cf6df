// Test taskset for the open model: a session that stays 10 s (engine time), then leaves.
#include <nest/nest.h>

using namespace std::chrono_literals;

class LongVisit : public nest::TaskSet {
 public:
  LongVisit() {
    task(1, "visit", [this] {
      nest::sleep(10s);
      client().get("/items");
      interrupt();
    });
  }
};
NEST_TASKSET(LongVisit)
