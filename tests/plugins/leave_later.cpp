// Test taskset: every visit is one request and then interrupt(false), so the user pauses
// 300 ms (its wait_time) before it picks a taskset again.
#include <nest/nest.h>

using namespace std::chrono_literals;

class LeaveLater : public nest::TaskSet {
 public:
  LeaveLater() {
    wait_time(nest::constant(300ms));
    task(1, "once", [this] {
      client().get("/");
      interrupt(false);
    });
  }
};
NEST_TASKSET(LeaveLater)
