// Test taskset: a request every 50 ms per user, to /?w=PID and named /w/PID: the server's log
// and the merged results both say which worker (process) made each.
#include <nest/nest.h>
#include <unistd.h>

#include <string>

using namespace std::chrono_literals;

class ByWorker : public nest::TaskSet {
 public:
  ByWorker() {
    wait_time(nest::constant_pacing(50ms));
    task(1, "work", [this] {
      std::string pid = std::to_string(getpid());
      client().get("/?w=" + pid, {.name = "/w/" + pid});
    });
  }
};
NEST_TASKSET(ByWorker)
