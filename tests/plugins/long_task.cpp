// Test taskset: a task that takes 3 s, to test --stop-timeout; on_stop is counted.
#include <nest/nest.h>

class LongTask : public nest::TaskSet {
 public:
  LongTask() {
    task(1, "long", [this] { client().get("/slow?ms=3000", {.name = "/slow"}); });
  }
  void on_stop() override { client().post("/logout"); }
};
NEST_TASKSET(LongTask)
