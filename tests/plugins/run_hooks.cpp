// Test plugin: run hooks (once per run) beside a taskset; the server's log shows the order.
#include <nest/nest.h>

#include <cstdlib>
#include <stdexcept>

class Seed : public nest::RunHooks {
 public:
  void on_test_start() override {
    client().post("/login?hook=start");
    if (std::getenv("NEST_TEST_HOOK_FAILS")) throw std::runtime_error("no admin account");
  }
  void on_test_stop() override { client().post("/logout?hook=stop"); }
};
NEST_RUN_HOOKS(Seed)

class Visitor : public nest::TaskSet {
 public:
  Visitor() {
    using namespace std::chrono_literals;
    wait_time(nest::constant(20ms));
    task(1, "browse", [this] { client().get("/items?hook=user"); });
  }
};
NEST_TASKSET(Visitor)
