// A member who logs in with an account of their own: claimed from config/accounts.csv in
// on_start (no other user has it until it is released), given back in on_stop. The demo
// target refuses a login whose account is in use (409), so an account handed to two users at
// once would show as failures. Run nest-host from the folder that holds config/.
#include <nest/nest.h>

using namespace std::chrono_literals;

class Member : public nest::TaskSet {
 public:
  Member() {
    wait_time(nest::between(500ms, 1500ms));
    task(3, "orders", [this] { client().get("/items"); });
    task(2, "cart", [this] {
      client().post("/cart", R"({"item":3})", {.headers = {{"Content-Type", "application/json"}}});
    });
    task(1, "leave", [this] { interrupt(); });  // log out, give the account back, come again
  }
  void on_start() override {
    account_ = accounts_.claim(10s);  // waits while all 500 are in use, then throws
    client().post("/login", "user=" + account_["username"] + "&password=" + account_["password"],
                  {.headers = {{"Content-Type", "application/x-www-form-urlencoded"}}});
  }
  void on_stop() override {
    if (!account_) return;  // the claim timed out: nothing to log out of
    client().post("/logout");
    accounts_.release(account_);
  }

 private:
  nest::Feeder accounts_ = nest::Feeder::csv("config/accounts.csv");  // one for the whole run
  nest::Row account_;
};
NEST_TASKSET(Member)
