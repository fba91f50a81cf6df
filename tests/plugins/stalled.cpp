// Test taskset: asks for a 5 s response with a 300 ms timeout.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Stalled : public nest::TaskSet {
 public:
  Stalled() {
    task(1, "wait", [this] { client().get("/slow?ms=5000", {.timeout = 300ms, .name = "/slow"}); });
  }
};
NEST_TASKSET(Stalled)
