// Test taskset: every task adds 1 to the counter "adds" (one call on the run's shared data, no
// compare-and-set loop to retry) and is recorded as the row "shared add"; its run hooks'
// on_test_stop records "final adds=N". Only a task cut midway (a stop without time to finish)
// leaves the counter ahead of the row.
#include <nest/nest.h>

#include <string>

class AddsTally : public nest::RunHooks {
 public:
  void on_test_stop() override {
    nest::record("final", "adds=" + std::to_string(nest::Counter("adds").get()),
                 std::chrono::microseconds(1));
  }
};
NEST_RUN_HOOKS(AddsTally)

class Adder : public nest::TaskSet {
 public:
  Adder() {
    wait_time(nest::constant(std::chrono::milliseconds(1)));
    task(1, "add", [this] {
      adds_.add(1);
      nest::record("shared", "add", std::chrono::microseconds(1));
    });
  }

 private:
  nest::Counter adds_{"adds"};
};
NEST_TASKSET(Adder)
