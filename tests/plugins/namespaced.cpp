// Tasksets in namespaces, an anonymous one included, exported by their class names and by an
// explicit display name.
#include <nest/nest.h>

namespace shop {
class Buyer : public nest::TaskSet {
 public:
  Buyer() {
    task(1, "buy", [this] {
      client().get("/items/1");
      interrupt();  // pick a taskset again: every user visits all three
    });
  }
};
}  // namespace shop

namespace mobile {
class Buyer : public nest::TaskSet {
 public:
  Buyer() {
    task(1, "buy", [this] {
      client().get("/items/2");
      interrupt();  // pick a taskset again: every user visits all three
    });
  }
};
}  // namespace mobile

namespace {
class Browser : public nest::TaskSet {
 public:
  Browser() {
    task(1, "browse", [this] {
      client().get("/items/3");
      interrupt();  // pick a taskset again: every user visits all three
    });
  }
};
}  // namespace

NEST_TASKSET(shop::Buyer)
NEST_TASKSET(mobile::Buyer, "MobileBuyer")
NEST_TASKSET(Browser)
