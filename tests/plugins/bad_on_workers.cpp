// Test plugin for --processes: loads in the master, but aborts while loading in a worker
// process (NEST_WORKER_INDEX set), which is then left with no taskset and exits at once.
#include <nest/nest.h>

#include <cstdlib>

namespace {
const bool kRefused = [] {
  if (std::getenv("NEST_WORKER_INDEX")) std::abort();
  return false;
}();
}  // namespace

class OnlyOnTheMaster : public nest::TaskSet {
 public:
  OnlyOnTheMaster() {
    task(1, "work", [this] { client().get("/"); });
  }
};
NEST_TASKSET(OnlyOnTheMaster)
