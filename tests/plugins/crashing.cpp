// Test taskset: browses every 50 ms; the first user to reach its 40th visit (about 2 s in)
// dereferences a null pointer — a plugin with a bug, as a segfault in the wild. The other
// users go on.
#include <nest/nest.h>

#include <atomic>

using namespace std::chrono_literals;

class Crashing : public nest::TaskSet {
 public:
  Crashing() {
    wait_time(nest::constant(50ms));
    task(1, "browse", [this] {
      client().get("/");
      if (++visits_ == 40 && crashes.fetch_add(1) == 0) *null_ = 1;
    });
  }

 private:
  static inline std::atomic<int> crashes{0};
  int visits_ = 0;
  int* volatile null_ = nullptr;  // volatile: the compiler may not assume the write away
};
NEST_TASKSET(Crashing)
