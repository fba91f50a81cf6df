// Test tasksets for steering: users stay in their taskset (no interrupt) and make one request
// every 100 ms; on_start and on_stop say which taskset a user joined and left, so the server's
// counts tell how many users each taskset has. Paths (the demo target answers any /items/N):
//   Mostly (weight 3): works on /items/1, joins /items/11, leaves /items/21
//   Rarely (weight 1): works on /items/2, joins /items/12, leaves /items/22
#include <nest/nest.h>

#include <string>

using namespace std::chrono_literals;

template <int kWeight, int kId>
class Mixed : public nest::TaskSet {
 public:
  Mixed() {
    weight(kWeight);
    wait_time(nest::constant_pacing(100ms));
    task(1, "work", [this] { client().get("/items/" + std::to_string(kId)); });
  }
  void on_start() override { client().get("/items/" + std::to_string(10 + kId)); }
  void on_stop() override { client().get("/items/" + std::to_string(20 + kId)); }
};

using Mostly = Mixed<3, 1>;
using Rarely = Mixed<1, 2>;
NEST_TASKSET(Mostly)
NEST_TASKSET(Rarely)
