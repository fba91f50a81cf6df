// Test taskset: every task adds 1 to the counter "adds", adds 1 to "cas" by a compare-and-set
// loop, and to the value "text" by a compare-and-set loop on its text; each task is recorded
// as the row "shared add", so the counters must equal that row's count. It also takes the
// next() row of a list feeder of 7 colours, recorded as "next <colour>": in turn, so the
// colours' counts differ by at most one. Its run hooks' on_test_stop (once, after every user;
// in a distributed run on the master) records what the run left: rows "final adds=N",
// "final cas=N", "final text=T".
#include <nest/nest.h>

#include <string>

class Tally : public nest::RunHooks {
 public:
  void on_test_stop() override {
    using std::chrono::microseconds;
    nest::record("final", "adds=" + std::to_string(nest::Counter("adds").get()), microseconds(1));
    nest::record("final", "cas=" + std::to_string(nest::Counter("cas").get()), microseconds(1));
    nest::record("final", "text=" + nest::shared::get("text").value_or(""), microseconds(1));
  }
};
NEST_RUN_HOOKS(Tally)

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
      nest::record("next", colours_.next()["colour"], std::chrono::microseconds(1));
    });
  }

 private:
  nest::Counter adds_{"adds"};
  nest::Counter cas_{"cas"};
  nest::Feeder colours_ = nest::Feeder::list(
      "colours", {"colour", "hex"},
      {{"red", "f00"}, {"orange", "f80"}, {"yellow", "ff0"}, {"green", "0f0"}, {"blue", "00f"},
       {"indigo", "408"}, {"violet", "80f"}});
};
NEST_TASKSET(Sharer)
