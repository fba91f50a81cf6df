// Test taskset for the open model: a session is one request, then it leaves.
#include <nest/nest.h>

class Visit : public nest::TaskSet {
 public:
  Visit() {
    task(1, "visit", [this] {
      client().get("/items");
      interrupt();
    });
  }
};
NEST_TASKSET(Visit)
