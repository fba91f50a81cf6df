// Test taskset: a task that waits 30 s for its response, far longer than any test runs: only a
// halt ends a run with users in it before then.
#include <nest/nest.h>

class Stuck : public nest::TaskSet {
 public:
  Stuck() {
    task(1, "stuck", [this] { client().get("/slow?ms=30000", {.name = "/slow"}); });
  }
};
NEST_TASKSET(Stuck)
