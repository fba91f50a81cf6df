// Bad plugin: throws from a static constructor while being loaded (std::terminate follows).
#include <nest/nest.h>

#include <stdexcept>

namespace {
struct Thrower {
  Thrower() { throw std::runtime_error("static init failed"); }
} thrower;
}  // namespace

class ThrowsInStatic : public nest::TaskSet {
 public:
  ThrowsInStatic() { task(1, "t", [] {}); }
};
NEST_TASKSET(ThrowsInStatic)
