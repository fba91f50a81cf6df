// Test tasksets: tasks with tags (nest-host --tags, --exclude-tags). Each task asks for a path
// of its own, so the server's counts tell which ran.
#include <nest/nest.h>

class Tagged : public nest::TaskSet {
 public:
  Tagged() {
    task(1, "browse", [this] { client().get("/items"); }, {.tags = {"browse"}});
    task(1, "buy", [this] { client().get("/items/1"); }, {.tags = {"buy", "slow"}});
    task(1, "untagged", [this] { client().get("/"); });
  }
};
NEST_TASKSET(Tagged)

// Every task of it is "slow": --exclude-tags slow leaves it none.
class OnlySlow : public nest::TaskSet {
 public:
  OnlySlow() { task(1, "report", [this] { client().get("/status/204"); }, {.tags = {"slow"}}); }
};
NEST_TASKSET(OnlySlow)
