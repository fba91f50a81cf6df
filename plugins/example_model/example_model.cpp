// ExampleModel, shaped like locust-nest's: a customer who browses and sometimes buys.
#include <nest/nest.h>

using namespace std::chrono_literals;

class ExampleModel : public nest::TaskSet {
 public:
  ExampleModel() {
    weight(1);                           // default weight; nest.ini may override; 0 = off
    wait_time(nest::between(1s, 2s));    // pause between tasks, per user
    task(5, "browse", [this] { client().get("/items"); });
    task(1, "buy", [this] { buy(); });
    task(1, "leave", [this] { interrupt(); });  // leave; the user picks a taskset again
  }
  void on_start() override { client().post("/login", R"({"user":"a"})"); }
  void on_stop() override { client().post("/logout"); }

 private:
  void buy() {
    auto item = client().get("/items/" + std::to_string(++viewed_ % 3 + 1),
                             {.name = "/items/[id]"});
    if (item.ok()) client().post("/cart", R"({"item":1})");
  }
  int viewed_ = 0;  // this user's own state: no locks needed
};
NEST_TASKSET(ExampleModel)
