// Test taskset: the random choices a user makes — the task by weight (3 "a" to 1 "b") and a
// feeder's random() row — written down in order; after 40 tasks it records them once as the
// row "picks <a17 b3 ...>", so two runs' choices compare by that row's name.
#include <nest/nest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

std::vector<std::vector<std::string>> numbers(int n) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < n; ++i) rows.push_back({std::to_string(i)});
  return rows;
}

}  // namespace

class Seeded : public nest::TaskSet {
 public:
  Seeded() {
    wait_time(nest::between(std::chrono::milliseconds(1), std::chrono::milliseconds(3)));
    task(3, "a", [this] { pick("a"); });
    task(1, "b", [this] { pick("b"); });
  }

 private:
  void pick(const char* task) {
    if (taken_ == kPicks) return;
    picks_ += std::string(taken_ ? " " : "") + task + rows_.random()["n"];
    if (++taken_ == kPicks) nest::record("picks", picks_, std::chrono::microseconds(1));
  }

  static constexpr int kPicks = 40;
  int taken_ = 0;
  std::string picks_;
  nest::Feeder rows_ = nest::Feeder::list("numbers", {"n"}, numbers(1000));
};
NEST_TASKSET(Seeded)
