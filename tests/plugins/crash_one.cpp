// Test taskset for --processes: a request every 20 ms per user; on the worker process whose
// NEST_WORKER_INDEX is 1, the 30th task crashes (SIGSEGV).
#include <nest/nest.h>

#include <cstdlib>
#include <string>

using namespace std::chrono_literals;

class CrashOne : public nest::TaskSet {
 public:
  CrashOne() {
    wait_time(nest::constant_pacing(20ms));
    task(1, "work", [this] {
      const char* index = std::getenv("NEST_WORKER_INDEX");
      if (index && std::string(index) == "1" && ++tasks_ == 30) {
        volatile int* nowhere = nullptr;
        *nowhere = 1;
      }
      client().get("/");
    });
  }

 private:
  int tasks_ = 0;
};
NEST_TASKSET(CrashOne)
