// Test taskset: 500 request names, each asked in turn (row 000 .. row 499), so a page shows 500
// rows; and one request whose name and failure carry markup from "the system under test", which
// every page must show as text, never run.
#include <nest/nest.h>

#include <cstdio>
#include <stdexcept>

class ManyNames : public nest::TaskSet {
 public:
  ManyNames() {
    using namespace std::chrono_literals;
    wait_time(nest::constant(2ms));
    task(50, "a row", [this] {
      char name[16];
      std::snprintf(name, sizeof name, "row %03d", next_++ % 500);
      client().get("/items", {.name = name});
    });
    task(1, "markup", [this] {
      auto page = client().get("/items", {.name = "<script>window.pwned=1</script>",
                                          .catch_response = true});
      page.failure("<img src=x onerror=\"window.pwned=2\">");
    });
    task(1, "markup in an exception", [] {
      throw std::runtime_error("<b onmouseover=\"window.pwned=3\">boom</b>");
    });
  }

 private:
  int next_ = 0;
};
NEST_TASKSET(ManyNames)
