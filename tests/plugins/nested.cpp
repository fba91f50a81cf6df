// Test tasksets: a site whose "forum" task enters a nested taskset (TaskSet::enter), which
// runs its own tasks until it interrupts; the server's log shows where each request came from.
#include <nest/nest.h>

#include <stdexcept>

class Forum : public nest::TaskSet {
 public:
  Forum() {
    task(3, "read", [this] { client().get("/items?in=forum"); });
    task(1, "oops", [] { throw std::runtime_error("the forum broke"); });
    task(1, "leave", [this] {
      client().get("/?in=forum-leave");
      interrupt();
    });
  }
  void on_start() override { client().get("/echo?in=forum-start"); }
  void on_stop() override { client().get("/echo?in=forum-stop"); }
};

class Site : public nest::TaskSet {
 public:
  Site() {
    task(1, "front", [this] { client().get("/?in=site"); });
    task(1, "forum", enter<Forum>());
  }
};
NEST_TASKSET(Site)
