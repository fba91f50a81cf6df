// Test taskset for the open model against a slow system: each session waits 1 s for its
// answer, then leaves.
#include <nest/nest.h>

class SlowVisit : public nest::TaskSet {
 public:
  SlowVisit() {
    task(1, "visit", [this] {
      client().get("/slow?ms=1000", {.name = "/slow"});
      interrupt();
    });
  }
};
NEST_TASKSET(SlowVisit)
