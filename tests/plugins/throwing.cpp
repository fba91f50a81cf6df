// Test taskset: one task throws, the other makes a request; the run must go on.
#include <nest/nest.h>

#include <stdexcept>

class Throwing : public nest::TaskSet {
 public:
  Throwing() {
    task(1, "boom", [] { throw std::runtime_error("boom"); });
    task(1, "fine", [this] { client().get("/"); });
  }
};
NEST_TASKSET(Throwing)
