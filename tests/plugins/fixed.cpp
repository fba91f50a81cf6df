// Test tasksets: one admin among the customers (TaskSet::fixed_count), whatever the weights.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Admin : public nest::TaskSet {
 public:
  Admin() {
    fixed_count(1);
    weight(100);  // a fixed count wins over any weight
    wait_time(nest::constant(100ms));
    task(1, "audit", [this] { client().get("/status/203"); });
  }
};
NEST_TASKSET(Admin)

class Customer : public nest::TaskSet {
 public:
  Customer() {
    wait_time(nest::constant(100ms));
    task(1, "shop", [this] { client().get("/items"); });
  }
};
NEST_TASKSET(Customer)
