// Test plugin that never finishes loading: its static constructor waits for ever, as one
// stuck on a lock or a network call would. Only the discovery probe's child ever runs it.
#include <nest/nest.h>
#include <unistd.h>

namespace {
[[maybe_unused]] const int kNever = [] {
  for (;;) pause();
  return 0;
}();
}  // namespace

class Hanging : public nest::TaskSet {
 public:
  Hanging() {
    task(1, "never", [] {});
  }
};
NEST_TASKSET(Hanging)
