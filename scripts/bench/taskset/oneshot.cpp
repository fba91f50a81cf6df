// An open-model session of one request: the arrival-rate benchmark's taskset.
#include <nest/nest.h>

class OneShot : public nest::TaskSet {
 public:
  OneShot() {
    task(1, "get", [this] {
      client().get("/");
      interrupt();
    });
  }
};
NEST_TASKSET(OneShot)
