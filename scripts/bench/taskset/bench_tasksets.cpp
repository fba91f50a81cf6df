// Tasksets for scripts/bench: one with no wait (throughput), one waiting 1-2 s (memory).
#include <nest/nest.h>

using namespace std::chrono_literals;

class NoWait : public nest::TaskSet {
 public:
  NoWait() { task(1, "get", [this] { client().get("/"); }); }
};
NEST_TASKSET(NoWait)
