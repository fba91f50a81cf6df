// Test tasksets on the same threads: one logs in (its cookie jar gets the session), one never
// does. If jars were shared, the anonymous users' carts would succeed too.
#include <nest/nest.h>

class LoggedIn : public nest::TaskSet {
 public:
  LoggedIn() {
    task(1, "cart", [this] { client().post("/cart", "{}", {.name = "/cart (logged in)"}); });
  }
  void on_start() override { client().post("/login"); }
};
NEST_TASKSET(LoggedIn)

class Anonymous : public nest::TaskSet {
 public:
  Anonymous() {
    task(1, "cart", [this] { client().post("/cart", "{}", {.name = "/cart (anonymous)"}); });
  }
};
NEST_TASKSET(Anonymous)
