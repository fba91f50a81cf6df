// Bad plugin: aborts in a static constructor, the moment it is loaded.
#include <nest/nest.h>

#include <cstdlib>

namespace {
struct Bomb {
  Bomb() { std::abort(); }
} bomb;
}  // namespace

class AbortsInStatic : public nest::TaskSet {
 public:
  AbortsInStatic() { task(1, "t", [] {}); }
};
NEST_TASKSET(AbortsInStatic)
