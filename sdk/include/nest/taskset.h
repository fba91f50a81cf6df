// nest/taskset.h — nest::TaskSet, the class a taskset author derives from.
//
// A TaskSet describes one kind of customer: weighted tasks, what happens on entering and on
// leaving, and the pause between tasks. nest-host creates one object per simulated user each
// time that user enters the taskset, so members are that user's private state and need no locks.
//
// Lifecycle of one user (Locust's): pick a taskset by weight → construct it → on_start() →
// repeat { pick a task by weight; run it; pause per wait_time } until a task calls interrupt()
// or the test stops → on_stop() → destroy → pick a taskset again.
//
// Threading: the code of a taskset runs on one of nest-host's worker threads, interleaved with
// other users at the points where it waits (HTTP calls, nest::sleep). Never block the thread:
// std::this_thread::sleep_for, blocking sockets or long CPU loops stall every user on it.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nest/detail/visibility.h"
#include "nest/http.h"
#include "nest/wait.h"

namespace nest {

// Thrown by TaskSet::interrupt(); caught by the engine. Never catch it yourself (a
// `catch (...)` in a task must rethrow), or the user cannot leave the taskset.
struct NEST_SDK_API Interrupt {
  bool reschedule;  // false: pause per wait_time before picking the next taskset
};

// Thrown out of client() calls and sleep() when the test stops for good (after
// --stop-timeout); the engine catches it and runs on_stop(). Never swallow it.
struct NEST_SDK_API UserStopped {};

// Pauses the calling user for `duration` without blocking the thread. Only from task code.
inline void sleep(std::chrono::nanoseconds duration) { detail::current_user().sleep(duration); }

// The HTTP client behind a taskset's client(). Both record the same statistics and count
// failures alike; see docs/transports.md.
enum class Transport {
  kDefault,  // the run's choice: nest-host --transport (curl unless set)
  kCurl,     // libcurl: HTTP/1.1 and HTTP/2, proxies, every authentication scheme
  kFast,     // Nest's HTTP/1.1 keep-alive client: the most requests per CPU (docs/benchmarks.md)
};

// What a task may carry besides its weight, name and function.
struct TaskOptions {
  // Labels for nest-host --tags (only tasks with one of the given tags run) and --exclude-tags
  // (tasks with one of those never run), as Locust's @tag.
  std::vector<std::string> tags;
};

class SequentialTaskSet;

class NEST_SDK_API TaskSet {
 public:
  struct Task {
    int weight;        // relative frequency; 0 = never picked
    std::string name;  // shown in the exceptions report
    std::function<void()> run;
    std::vector<std::string> tags;  // TaskOptions::tags
  };

  virtual ~TaskSet() = default;

  // Runs when a user enters this taskset, before its first task.
  virtual void on_start() {}
  // Runs when the user leaves: after interrupt(), and when the test stops.
  virtual void on_stop() {}

  // --- read by the host ---
  int default_weight() const { return weight_; }
  const WaitTime& wait_policy() const { return wait_; }
  const std::vector<Task>& tasks() const { return tasks_; }
  Transport transport_choice() const { return transport_; }
  // A SequentialTaskSet: its tasks run in the order written, not picked by weight.
  bool sequential() const { return sequential_; }
  int fixed_count() const { return fixed_count_; }

 protected:
  TaskSet() = default;

  // Settings, normally called from the constructor:
  // The share of users that pick this taskset, relative to the others. Default 1; the INI
  // file may override it; 0 leaves the taskset out.
  void weight(int weight) { weight_ = weight; }
  // Exactly this many users run this taskset, whatever the weights (Locust's fixed_count): one
  // admin among thousands of customers. They are the first users started and the last to
  // leave, they never pick another taskset, and the weights share the users beyond them.
  // Closed model only (users). Default 0: by weight.
  void fixed_count(int users) { fixed_count_ = users; }
  // The pause after each task. Default: none.
  void wait_time(WaitTime wait) { wait_ = wait; }
  // The HTTP client this taskset's users get; it wins over --transport. Choose kCurl when the
  // taskset needs what only libcurl has (HTTP/2, a proxy), kFast for the most load per core.
  // A user keeps one session (cookies, connections) per transport across the tasksets it runs.
  void transport(Transport transport) { transport_ = transport; }
  // Adds a task picked with probability weight / (sum of weights), with tags if given:
  //     task(3, "checkout", [this] { ... }, {.tags = {"buy", "slow"}});
  void task(int weight, std::string name, std::function<void()> run, TaskOptions options = {}) {
    tasks_.push_back({weight, std::move(name), std::move(run), std::move(options.tags)});
  }

  // A task that enters `Child`, another TaskSet class, for a while (Locust's nested TaskSets):
  //     task(2, "forum", enter<Forum>());
  // Each time the task runs, a new Child is made; its on_start runs, then its own tasks with
  // its own wait_time until one of them calls interrupt(); then its on_stop, and the user is
  // back in this taskset, whose pause follows as after any task. (interrupt(false) in the
  // child first pauses per the child's wait_time.) Child's exceptions are reported as
  // "ThisTaskset > forum". Child needs no NEST_TASKSET.
  template <typename Child>
  static std::function<void()> enter() {
    static_assert(std::is_base_of_v<TaskSet, Child>, "enter<Child>(): Child must be a TaskSet");
    return [] {
      Child child;
      detail::current_user().run_nested(child);
    };
  }

  // Services, for tasks and hooks only:
  // This user's HTTP session (cookies, keep-alive). See nest/http.h.
  Client& client() { return detail::current_user().client(); }
  // Leaves this taskset: on_stop() runs and the user picks a taskset again; with
  // reschedule = false it first pauses per wait_time. Does not return.
  [[noreturn]] void interrupt(bool reschedule = true) { throw Interrupt{reschedule}; }

 private:
  friend struct detail::AbiLayout;
  friend class SequentialTaskSet;
  int weight_ = 1;
  WaitTime wait_;
  std::vector<Task> tasks_;
  Transport transport_ = Transport::kDefault;
  bool sequential_ = false;
  int fixed_count_ = 0;
};

// A taskset whose tasks run in the order they were added, then again from the first, for
// flows such as browse -> add to cart -> pay (Locust's SequentialTaskSet). Everything else is
// TaskSet's: on_start/on_stop, wait_time after each task, interrupt() to leave. A task's
// weight is not a frequency here: 0 leaves it out, any other runs it once a round; tags still
// filter (nest-host --tags).
class NEST_SDK_API SequentialTaskSet : public TaskSet {
 protected:
  SequentialTaskSet() { sequential_ = true; }
  // Adds the next step of the round.
  void task(std::string name, std::function<void()> run, TaskOptions options = {}) {
    TaskSet::task(1, std::move(name), std::move(run), std::move(options));
  }
  using TaskSet::task;
};

}  // namespace nest
