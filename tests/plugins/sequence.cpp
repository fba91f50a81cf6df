// Test taskset: a flow in order (SequentialTaskSet), whose steps the server's log shows.
#include <nest/nest.h>

class Checkout : public nest::SequentialTaskSet {
 public:
  Checkout() {
    task("browse", [this] { client().get("/items?step=1"); });
    task("look", [this] { client().get("/items/2?step=2"); });
    task("skipped", [this] { client().get("/status/500?step=never"); }, {.tags = {"never"}});
    task("pay", [this] { client().get("/?step=3"); });
  }
  void on_start() override { client().get("/echo?step=start"); }
};
NEST_TASKSET(Checkout)
