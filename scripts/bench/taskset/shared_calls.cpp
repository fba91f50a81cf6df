// Users that do nothing but call the run's shared data, back to back: a counter's add, and a
// claim and release of a row of 1,000, each measured (rows "shared add", "shared claim+release").
// Its run hooks record the counter at the end ("final adds=N"), to check no add was lost. One
// process keeps the data itself; a distributed run's master serves it (scripts/bench/
// distributed.py's "shared" benchmark).
#include <nest/nest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::vector<std::vector<std::string>> numbered(int n) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < n; ++i) rows.push_back({std::to_string(i)});
  return rows;
}

}  // namespace

class SharedCalls : public nest::TaskSet {
 public:
  SharedCalls() {
    // A pause of a microsecond: in one process no call suspends the user, and a user that
    // never does keeps its thread from the run's timers (a pause of 0 does not yield).
    // NEST_BENCH_PAUSE_MS: a longer one, for a call's cost on a machine at rest.
    const char* pause = std::getenv("NEST_BENCH_PAUSE_MS");
    if (pause && *pause) {
      wait_time(nest::constant(std::chrono::milliseconds(std::atoi(pause))));
    } else {
      wait_time(nest::constant(std::chrono::microseconds(1)));
    }
    task(1, "calls", [this] {
      nest::measure("shared", "add", [this] { adds_.add(1); });
      nest::measure("shared", "claim+release", [this] {
        nest::Row row = rows_.claim();
        rows_.release(row);
      });
    });
  }

 private:
  nest::Counter adds_{"adds"};
  nest::Feeder rows_ = nest::Feeder::list("numbers", {"n"}, numbered(1000));
};
NEST_TASKSET(SharedCalls)

class Tally : public nest::RunHooks {
 public:
  void on_test_stop() override {
    nest::record("final", "adds=" + std::to_string(nest::Counter("adds").get()),
                 std::chrono::microseconds(1));
  }
};
NEST_RUN_HOOKS(Tally)
