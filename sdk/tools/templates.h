// The files nest-sdk new writes; @NAME@ becomes the taskset's name.
#pragma once

namespace nest::sdk {

inline constexpr const char* kCMakeLists = R"(cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES CXX)

# The Nest SDK, installed with `cmake --install` (add its prefix to CMAKE_PREFIX_PATH).
find_package(Nest 0.1 REQUIRED)

# Builds build/tasksets/@NAME@.so; drop it into nest-host's tasksets/ folder.
nest_add_taskset(@NAME@ SOURCES @NAME@.cpp)
)";

inline constexpr const char* kTaskset = R"(// @NAME@: one kind of customer. See the Nest taskset guide (docs/tasksets.md).
#include <nest/nest.h>

using namespace std::chrono_literals;

class @NAME@ : public nest::TaskSet {
 public:
  @NAME@() {
    weight(1);                          // share of users; nest.ini's [weights] may override it
    wait_time(nest::between(1s, 3s));   // pause after each task, per user
    // transport(nest::Transport::kFast);  // HTTP client; default: nest-host --transport (curl)

    // Tasks are picked at random in proportion to their weights (here 3:1:1).
    task(3, "browse", [this] { client().get("/"); });
    task(1, "look closer", [this] {
      // Group many URLs under one stats row with .name.
      auto item = client().get("/items/" + std::to_string(++seen_), {.name = "/items/[id]"});
      if (item.status == 404) seen_ = 0;
    });
    task(1, "leave", [this] { interrupt(); });  // on_stop, then the user picks a taskset again
  }

  // When a user enters this taskset, before its first task.
  void on_start() override { client().post("/login", R"json({"user":"demo"})json"); }

  // When the user leaves (interrupt) and when the test stops.
  void on_stop() override { client().post("/logout"); }

 private:
  int seen_ = 0;  // this user's own state: one object per user, no locks needed
};
NEST_TASKSET(@NAME@)
)";

inline constexpr const char* kReadme = R"(# @NAME@

A Nest taskset.

Build it against the installed Nest SDK (`cmake --install` of Nest; point CMAKE_PREFIX_PATH at
its prefix if it is not a system one):

    cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/nest/prefix
    cmake --build build

Then copy `build/tasksets/@NAME@.so` into the `tasksets/` folder that nest-host reads, and run:

    nest-host --list                                  # @NAME@ is there, with its tasks
    nest-host --yes --host http://127.0.0.1:8080 -u 10 -r 5 -t 30s

Edit `@NAME@.cpp`: tasks and their weights, `on_start`/`on_stop`, the wait time. Use
`client()` for HTTP and `nest::sleep()` to pause; never block the thread.
)";

}  // namespace nest::sdk
