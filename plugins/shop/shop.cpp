// Two more tasksets in one plugin: a window shopper and an impatient buyer who checks that a
// response is right (catch_response), paces itself, and reports slow pages as failures.
#include <nest/nest.h>

using namespace std::chrono_literals;

class WindowShopper : public nest::TaskSet {
 public:
  WindowShopper() {
    weight(3);
    wait_time(nest::between(500ms, 1500ms));
    task(3, "front page", [this] { client().get("/"); });
    task(2, "list items", [this] { client().get("/items"); });
    task(1, "look closer", [this] {
      client().get("/items/" + std::to_string(item_), {.name = "/items/[id]"});
      item_ = item_ % 3 + 1;
    });
  }

 private:
  int item_ = 1;
};
NEST_TASKSET(WindowShopper)

class ImpatientBuyer : public nest::TaskSet {
 public:
  ImpatientBuyer() {
    weight(1);
    wait_time(nest::constant_pacing(2s));  // one task every 2 s, however long it took
    task(2, "checkout", [this] { checkout(); });
    task(1, "leave", [this] { interrupt(false); });  // wait first, then pick again
  }
  void on_start() override { client().post("/login", R"({"user":"buyer"})"); }
  void on_stop() override { client().post("/logout"); }

 private:
  void checkout() {
    auto page = client().get("/slow?ms=50", {.name = "/slow", .catch_response = true});
    if (page.ok() && page.elapsed > 500ms) page.failure("too slow: over 500 ms");
    client().post("/cart", R"({"item":2})", {.headers = {{"Content-Type", "application/json"}}});
  }
};
NEST_TASKSET(ImpatientBuyer)
