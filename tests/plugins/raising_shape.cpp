// Test load shape: its constructor sends this process a SIGINT once the file named by
// NEST_TEST_RAISE_WHEN exists (a dependency makes it): a Ctrl-C between the dependencies being
// ready and the run's start. Beside a taskset making a request every 100 ms per user.
#include <nest/nest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

using namespace std::chrono_literals;

class Pacer : public nest::TaskSet {
 public:
  Pacer() {
    wait_time(nest::constant_pacing(100ms));
    task(1, "work", [this] { client().get("/"); });
  }
};
NEST_TASKSET(Pacer)

class RaisesWhenReady : public nest::LoadShape {
 public:
  RaisesWhenReady() {
    const char* flag = std::getenv("NEST_TEST_RAISE_WHEN");
    if (flag && access(flag, F_OK) == 0) raise(SIGINT);
  }
  std::optional<Step> tick(std::chrono::duration<double> elapsed) override {
    if (elapsed < 30s) return Step{2, 0};
    return std::nullopt;
  }
};
NEST_SHAPE(RaisesWhenReady)
