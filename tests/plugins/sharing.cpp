// Test taskset: every task adds 1 to the counter "adds", adds 1 to "cas" by a compare-and-set
// loop, and to the value "text" by a compare-and-set loop on its text; each task is recorded
// as the row "shared add", so the counters must equal that row's count.
#include <nest/nest.h>

#include <string>

class Sharer : public nest::TaskSet {
 public:
  Sharer() {
    wait_time(nest::constant(std::chrono::milliseconds(1)));
    task(1, "add", [this] {
      adds_.add(1);
      std::int64_t seen = cas_.get();
      while (!cas_.compare_and_set(seen, seen + 1)) seen = cas_.get();
      for (;;) {
        auto text = nest::shared::get("text");
        std::string next = std::to_string(text ? std::stoll(*text) + 1 : 1);
        if (nest::shared::compare_and_set("text", text ? std::optional<std::string_view>(*text)
                                                       : std::nullopt,
                                          next)) {
          break;
        }
      }
      nest::record("shared", "add", std::chrono::microseconds(1));
    });
  }

 private:
  nest::Counter adds_{"adds"};
  nest::Counter cas_{"cas"};
};
NEST_TASKSET(Sharer)
