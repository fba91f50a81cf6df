// nest/nest.h — the one header a taskset includes.
//
// A complete taskset plugin:
//
//     #include <nest/nest.h>
//     using namespace std::chrono_literals;
//
//     class ExampleModel : public nest::TaskSet {
//      public:
//       ExampleModel() {
//         weight(1);                                   // share of users; nest.ini may override
//         wait_time(nest::between(1s, 2s));            // pause after each task
//         task(5, "browse", [this] { client().get("/items"); });
//         task(1, "buy", [this] { client().post("/cart", R"({"item":1})"); });
//         task(1, "leave", [this] { interrupt(); });   // on_stop, then pick a taskset again
//       }
//       void on_start() override { client().post("/login", R"({"user":"a"})"); }
//       void on_stop() override { client().post("/logout"); }
//     };
//     NEST_TASKSET(ExampleModel)
//
// Build it with nest_add_taskset(example SOURCES example.cpp) from CMake (find_package(Nest)),
// drop the plugin into tasksets/ and run nest-host. docs/tasksets.md is the author's guide.
//
// The SDK is header-only and knows nothing of nest-host's internals: nest/taskset.h (TaskSet,
// interrupt, sleep), nest/http.h (Client, Request, Response), nest/wait.h (between, constant,
// constant_pacing, constant_throughput), nest/measure.h (record, measure: timings that are
// not HTTP), nest/shared.h (Feeder: rows from a CSV file, handed out or claimed; Counter and
// nest::shared values: data one user makes and another uses), nest/plugin.h (NEST_TASKSET, kAbiVersion and what a plugin
// must share with nest-host). nest/detail/ holds the plumbing to nest-host; authors never need it.
#pragma once

#include "nest/http.h"
#include "nest/measure.h"
#include "nest/plugin.h"
#include "nest/shared.h"
#include "nest/taskset.h"
#include "nest/wait.h"
