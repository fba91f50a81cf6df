// Bad plugin: its taskset's constructor throws.
#include <nest/nest.h>

#include <stdexcept>

class ThrowingFactory : public nest::TaskSet {
 public:
  ThrowingFactory() { throw std::runtime_error("cannot build me"); }
};
NEST_TASKSET(ThrowingFactory)
