// Test load shapes, beside a taskset that makes one request every 100 ms per user.
#include <nest/nest.h>

#include <stdexcept>

using namespace std::chrono_literals;

class Paced : public nest::TaskSet {
 public:
  Paced() {
    wait_time(nest::constant_pacing(100ms));
    task(1, "work", [this] { client().get("/", {.name = "/paced"}); });
  }
};

// 6 users for 2 s, then 2 until 4 s, then the end; users start and leave at once.
class Steps : public nest::LoadShape {
 public:
  std::optional<Step> tick(std::chrono::duration<double> elapsed) override {
    if (elapsed < 2s) return Step{6, 0};
    if (elapsed < 4s) return Step{2, 0};
    return std::nullopt;
  }
};

// 3 users, and from 2 s on a bug.
class Thrower : public nest::LoadShape {
 public:
  std::optional<Step> tick(std::chrono::duration<double> elapsed) override {
    if (elapsed < 2s) return Step{3, 0};
    throw std::runtime_error("no plan after 2 s");
  }
};

NEST_TASKSET(Paced)
NEST_SHAPE(Steps)
NEST_SHAPE(Thrower)
