// Test taskset: three "work" tasks for each "leave" on average; every visit is bracketed by
// on_start (POST /login) and on_stop (POST /logout), so the server can count visits.
#include <nest/nest.h>

class Interrupting : public nest::TaskSet {
 public:
  Interrupting() {
    task(3, "work", [this] { client().get("/"); });
    task(1, "leave", [this] { interrupt(); });
  }
  void on_start() override { client().post("/login"); }
  void on_stop() override { client().post("/logout"); }
};
NEST_TASKSET(Interrupting)
