// nest/measure.h — measurements of anything that is not the taskset's HTTP client: a database
// call, a message on a queue, a gRPC call through your own library. Each is a row of the same
// statistics as the HTTP requests (type in the "Type" column, where HTTP rows have the method),
// in the console, the CSV and JSON files, the reports, thresholds ("grpc GetUser:p99<50ms")
// and capacity searches (Locust's events.request.fire).
//
// Like all task code it runs on one of nest-host's worker threads among many users: the call
// you measure must not block the thread (a blocking client stalls every user on it). Use a
// library's non-blocking mode and wait with nest::sleep() between polls; docs/tasksets.md shows
// one.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "nest/detail/host_hooks.h"

namespace nest {

// Records one measurement of `type` ("grpc", "db", "queue") named `name`: how long it took,
// and whether it failed (a non-empty `error` is the failure's message, counted in the Failures
// table). Only from task code (tasks, on_start, on_stop).
inline void record(std::string_view type, std::string_view name,
                   std::chrono::nanoseconds elapsed, std::string_view error = {},
                   std::uint64_t bytes = 0) {
  std::string message(error);
  detail::current_user().record(type, name, elapsed, bytes,
                                error.empty() ? nullptr : message.c_str());
}

// Times `fn` and records it as `type` `name`: a success when it returns, a failure with the
// exception's message when it throws a std::exception (which measure() then swallows, so the
// task goes on; the failure is counted, not the exception). Returns whether it succeeded.
// nest-host's own signals (interrupt(), the stop) pass through unrecorded.
template <typename Fn>
bool measure(std::string_view type, std::string_view name, Fn&& fn) {
  auto started = std::chrono::steady_clock::now();
  std::string failure;
  try {
    fn();
  } catch (const std::exception& e) {
    failure = e.what();
    if (failure.empty()) failure = "failed";
  }
  record(type, name, std::chrono::steady_clock::now() - started, failure);
  return failure.empty();
}

}  // namespace nest
