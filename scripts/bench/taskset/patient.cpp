// A user that requests / and then waits 5-10 s: 100,000 of them make about 13,333 requests a
// second (issue 14's scale benchmark: scripts/bench/distributed.py).
#include <nest/nest.h>

using namespace std::chrono_literals;

class Patient : public nest::TaskSet {
 public:
  Patient() {
    wait_time(nest::between(5s, 10s));
    task(1, "get", [this] { client().get("/"); });
  }
};
NEST_TASKSET(Patient)
