// Test taskset: logs in with an account claimed from the CSV file NEST_TEST_FEEDER, posts to
// its cart every NEST_TEST_PAUSE_MS (100), logs out and releases it in on_stop. Switches (env):
//   NEST_TEST_CLAIM_MS  the claim's timeout (2000)
//   NEST_TEST_LEAVE=1   a task that leaves the taskset (so rows are released and claimed again)
//   NEST_TEST_FORGET=1  on_stop does not release: nest-host must
//   NEST_TEST_THROW=1   on_start throws right after claiming, before logging in
//   NEST_TEST_HOLD_MS   a task that sleeps this long holding the row (the stop must end it)
#include <nest/nest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

long env_int(const char* name, long fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtol(value, nullptr, 10) : fallback;
}

const char* env_text(const char* name) {
  const char* value = std::getenv(name);
  if (!value) throw std::runtime_error(std::string(name) + " is not set");
  return value;
}

}  // namespace

class Claimer : public nest::TaskSet {
 public:
  Claimer() : accounts_(nest::Feeder::csv(env_text("NEST_TEST_FEEDER"))) {
    wait_time(nest::constant(std::chrono::milliseconds(env_int("NEST_TEST_PAUSE_MS", 100))));
    task(4, "cart", [this] { client().post("/cart", "{}"); });
    if (env_int("NEST_TEST_LEAVE", 0)) task(1, "leave", [this] { interrupt(); });
    if (long hold = env_int("NEST_TEST_HOLD_MS", 0)) {
      task(100, "hold", [hold] { nest::sleep(std::chrono::milliseconds(hold)); });
    }
  }
  void on_start() override {
    account_ = accounts_.claim(std::chrono::milliseconds(env_int("NEST_TEST_CLAIM_MS", 2000)));
    if (env_int("NEST_TEST_THROW", 0)) throw std::runtime_error("thrown after claiming");
    client().post("/login?user=" + account_["username"], "", {.name = "/login"});
  }
  void on_stop() override {
    if (!account_) return;
    client().post("/logout");
    if (!env_int("NEST_TEST_FORGET", 0)) accounts_.release(account_);
  }

 private:
  nest::Feeder accounts_;
  nest::Row account_;
};
NEST_TASKSET(Claimer)
