// Test taskset: catch_response turns a 404 into a success and a 200 into a failure.
#include <nest/nest.h>

class Catching : public nest::TaskSet {
 public:
  Catching() {
    task(1, "flip", [this] {
      auto missing = client().get("/status/404", {.catch_response = true});
      if (missing.status == 404) missing.success();
      auto fine = client().get("/", {.catch_response = true});
      if (fine.body.find("demo") != std::string::npos) fine.failure("body mentions demo");
    });
  }
};
NEST_TASKSET(Catching)
