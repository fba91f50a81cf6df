// Test taskset that breaks every rule: its task never yields and never ends (an endless loop).
// Only a halt ends a run with it.
#include <nest/nest.h>

class Spinner : public nest::TaskSet {
 public:
  Spinner() {
    task(1, "spin", [this] {
      client().get("/");
      volatile unsigned long turns = 0;
      while (turns != ~0ul - 1) turns = turns + 1;  // not UB: a volatile access each turn
    });
  }
};
NEST_TASKSET(Spinner)
