// Test taskset: asks for "/" with gzip accepted, over and over, for servers that send too much.
#include <nest/nest.h>

class Greedy : public nest::TaskSet {
 public:
  Greedy() {
    task(1, "take", [this] { client().get("/", {.headers = {{"Accept-Encoding", "gzip"}}}); });
  }
};
NEST_TASKSET(Greedy)
