// Test taskset for the open model: a session that stays 10 s (engine time; NEST_TEST_VISIT_S
// seconds when set), then leaves.
#include <nest/nest.h>

#include <cstdlib>

class LongVisit : public nest::TaskSet {
 public:
  LongVisit() {
    const char* seconds = std::getenv("NEST_TEST_VISIT_S");
    std::chrono::seconds stay(seconds && *seconds ? std::atoi(seconds) : 10);
    task(1, "visit", [this, stay] {
      nest::sleep(stay);
      client().get("/items");
      interrupt();
    });
  }
};
NEST_TASKSET(LongVisit)
