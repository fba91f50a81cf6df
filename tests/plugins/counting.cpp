// Test taskset: every visit logs in and out; tasks browse with no pause.
#include <nest/nest.h>

class Counting : public nest::TaskSet {
 public:
  Counting() { task(1, "browse", [this] { client().get("/items"); }); }
  void on_start() override { client().post("/login"); }
  void on_stop() override { client().post("/logout"); }
};
NEST_TASKSET(Counting)
