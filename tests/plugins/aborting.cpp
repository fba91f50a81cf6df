// Test taskset: browses every 50 ms; the first user to reach its 40th visit (about 2 s in)
// calls abort(), as a failed assert in a plugin would. The other users go on.
#include <nest/nest.h>

#include <atomic>
#include <cstdlib>

using namespace std::chrono_literals;

class Aborting : public nest::TaskSet {
 public:
  Aborting() {
    wait_time(nest::constant(50ms));
    task(1, "check", [this] {
      client().get("/");
      if (++visits_ == 40 && aborts.fetch_add(1) == 0) std::abort();
    });
  }

 private:
  static inline std::atomic<int> aborts{0};
  int visits_ = 0;
};
NEST_TASKSET(Aborting)
