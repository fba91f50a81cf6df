// Test tasksets weighted 3:1; every task leaves at once, so each task is one taskset pick.
#include <nest/nest.h>

class Heavy : public nest::TaskSet {
 public:
  Heavy() {
    weight(3);
    task(1, "one", [this] {
      client().get("/items/1");
      interrupt();
    });
  }
};
NEST_TASKSET(Heavy)

class Light : public nest::TaskSet {
 public:
  Light() {
    weight(1);
    task(1, "two", [this] {
      client().get("/items/2");
      interrupt();
    });
  }
};
NEST_TASKSET(Light)
