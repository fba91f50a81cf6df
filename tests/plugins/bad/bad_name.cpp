// Bad plugin: a display name that cannot be a key in nest.ini's [weights].
#include <nest/nest.h>

class BadName : public nest::TaskSet {
 public:
  BadName() {
    task(1, "t", [] {});
  }
};
NEST_TASKSET(BadName, "checkout: mobile")
