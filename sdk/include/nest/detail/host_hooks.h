// nest/detail/host_hooks.h — the plumbing between a plugin and nest-host. Not for taskset
// authors: nothing here is needed to write a taskset, and it may change with kAbiVersion.
//
// Plugin code calls into the host through these small interfaces, which the host implements:
// the user whose code runs on this thread (for client() and sleep()), and what happens to a
// Response when the task lets go of it (recording a catch_response result, reusing storage).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace nest {

class Client;
class Response;
class TaskSet;

namespace detail {

struct AbiLayout;  // nest/plugin.h: reads the layouts that cross the boundary
class SharedData;  // nest/detail/shared_hooks.h

// Per-user services the host provides while that user's code runs.
class UserContext {
 public:
  virtual Client& client() = 0;
  virtual void sleep(std::chrono::nanoseconds duration) = 0;
  // A measurement of the task's own (nest/measure.h): `error` null for a success.
  virtual void record(std::string_view type, std::string_view name,
                      std::chrono::nanoseconds elapsed, std::uint64_t bytes,
                      const char* error) = 0;
  // Runs `child` as a visit inside the task under way (TaskSet::enter), then returns.
  virtual void run_nested(TaskSet& child) = 0;

 protected:
  ~UserContext() = default;
};

// The host's entry points, handed to the plugin by the factory (see plugin.h).
struct Host {
  UserContext* (*current_user)();  // the user running on the calling thread, or null
  SharedData* (*shared)();         // the run's shared data (nest/shared.h); never null
};

// One per plugin (hidden visibility): set by every factory call, from any worker thread, so
// atomic (always the same value; relaxed order is enough for a pointer to static data).
inline std::atomic<const Host*>& host_slot() {
  static std::atomic<const Host*> host{nullptr};
  return host;
}
inline void install_host(const Host* host) { host_slot().store(host, std::memory_order_relaxed); }

inline const Host& host() {
  const Host* host = host_slot().load(std::memory_order_relaxed);
  if (!host) throw std::logic_error("nest: used before nest-host created a taskset");
  return *host;
}

inline UserContext& current_user() {
  const Host* host = host_slot().load(std::memory_order_relaxed);
  UserContext* user = host ? host->current_user() : nullptr;
  if (!user)
    throw std::logic_error(
        "nest: client()/sleep() used outside a running user "
        "(for example in a TaskSet constructor)");
  return *user;
}

// Implemented by the host: records a catch_response Response when it is destroyed.
class ResponseSink {
 public:
  virtual void record_deferred(const Response& response) noexcept = 0;

 protected:
  ~ResponseSink() = default;
};

// Implemented by the host, alive as long as the process: takes the storage of a Response being
// destroyed (its body's and header strings' capacity) for the next one, so a task's steady
// request loop allocates nothing.
class ResponseRecycler {
 public:
  virtual void recycle(Response& response) noexcept = 0;

 protected:
  ~ResponseRecycler() = default;
};

// What a Response carries for the host besides what the task reads. Moving one hands the
// hooks over: only the Response moved into fires them.
struct ResponseControl {
  enum class Verdict { kUndecided, kSuccess, kFailure };

  ResponseSink* sink = nullptr;           // catch_response: records the result when destroyed
  ResponseRecycler* recycler = nullptr;   // takes the body's and headers' storage when destroyed
  unsigned row = 0;                       // the host's stats row, for `sink`
  Verdict verdict = Verdict::kUndecided;  // the task's success() / failure()
  std::string failure_message;            // failure()'s message

  ResponseControl() = default;
  ResponseControl(ResponseControl&& o) noexcept
      : sink(std::exchange(o.sink, nullptr)),
        recycler(std::exchange(o.recycler, nullptr)),
        row(o.row),
        verdict(o.verdict),
        failure_message(std::move(o.failure_message)) {}
  ResponseControl& operator=(ResponseControl&& o) noexcept {
    sink = std::exchange(o.sink, nullptr);
    recycler = std::exchange(o.recycler, nullptr);
    row = o.row;
    verdict = o.verdict;
    failure_message = std::move(o.failure_message);
    return *this;
  }
};

// The host's way to a Response's control block.
struct ResponseAccess {
  static ResponseControl& control(Response& response);
  static const ResponseControl& control(const Response& response);
};

}  // namespace detail
}  // namespace nest
