// A user that requests / and then waits 1-2 s: what resident memory per waiting user costs.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Idle : public nest::TaskSet {
 public:
  Idle() {
    wait_time(nest::between(1s, 2s));
    task(1, "get", [this] { client().get("/"); });
  }
};
NEST_TASKSET(Idle)
