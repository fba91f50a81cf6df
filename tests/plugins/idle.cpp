// Test taskset: a request, then a pause longer than the demo target's --idle-timeout in the
// keep-alive test, so the server has closed the kept-alive connection by the next request.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Idle : public nest::TaskSet {
 public:
  Idle() {
    wait_time(nest::constant(300ms));
    task(1, "items", [this] { client().get("/items"); });
  }
};
NEST_TASKSET(Idle)
