// Test taskset: nest::sleep must park the user, not the thread.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Sleeping : public nest::TaskSet {
 public:
  Sleeping() {
    task(1, "nap", [this] {
      nest::sleep(200ms);
      client().get("/");
    });
  }
};
NEST_TASKSET(Sleeping)
