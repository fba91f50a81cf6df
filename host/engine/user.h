// One simulated user: a stackful coroutine that runs tasksets as Locust's User does.
//
// Loop: pick a taskset by weight → create it → on_start → { pick a task by weight → run it →
// wait } until interrupt() or stop → on_stop → again. An open-model session is one turn of the
// loop: it ends after its visit. Every call into plugin code goes through call_guarded
// (engine/guard.h). Lives on one worker thread; all methods run there.
#pragma once

#include <nest/taskset.h>

#include <boost/asio/spawn.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "engine/clock.h"
#include "engine/crash_guard.h"
#include "engine/guard.h"
#include "http/transport.h"
#include "shared/feeder_table.h"

namespace nest::host {

class Worker;

class User final : public Fiber, public nest::detail::UserContext {
 public:
  enum class Kind {
    kUser,     // closed model: runs tasksets until stopped or removed
    kSession,  // open model: one visit to one taskset, then it ends
    kJob,      // runs one job (the run hooks) with a session of its own, then ends
  };
  // `scheduled`: when a session was due to start (its start lag is measured from it).
  // `pinned`: the taskset (an index into the worker's) this user always runs (a fixed
  // count), or -1: it picks one by weight for each visit.
  User(Worker& worker, Kind kind, EngineClock::time_point scheduled, int pinned = -1);
  // A kJob user: runs `job` in its coroutine, where client() and nest::sleep work.
  User(Worker& worker, std::function<void()> job);
  ~User();

  // The coroutine body; returns when the user has stopped.
  void run(boost::asio::yield_context yield);

  // Graceful stop: cuts the pause between tasks; the current task runs to its end.
  void stop_gracefully();
  // Stop now: no new request starts and the sleep under way ends (nest::UserStopped); the
  // request on the wire may still complete and be recorded (the drain). on_stop still runs.
  void stop_now();
  // The drain is over: the request on the wire is cut (counted as cut), and every request or
  // sleep from here on, on_stop's included, throws nest::UserStopped.
  void cut();
  // After a halt (this user's thread stopped): counts the requests it had on the wire as cut.
  void count_cut_after_halt();
  // Removed from the run (fewer users wanted): a graceful stop of this user alone, made a stop
  // now at `deadline` (--stop-timeout) and cut at `deadline` + --drain-timeout.
  void leave(EngineClock::time_point deadline);
  bool leaving() const { return leaving_; }
  EngineClock::time_point leave_deadline() const { return leave_deadline_; }
  bool finished() const { return finished_; }
  Kind kind() const { return kind_; }
  int pinned() const { return pinned_; }
  // The taskset this user is in now (an index into the worker's tasksets), or -1 between two.
  int visiting() const { return visiting_; }
  // When its current visit began (engine time).
  EngineClock::time_point visit_began() const { return visit_began_; }

  std::size_t slot = 0;  // its place in the worker's list

  // Fiber
  void suspend() override;
  void resume() override;
  void check_stopped() override;
  // nest::detail::UserContext
  nest::Client& client() override { return *session_; }
  void sleep(std::chrono::nanoseconds duration) override;
  void record(std::string_view type, std::string_view name, std::chrono::nanoseconds elapsed,
              std::uint64_t bytes, const char* error) override;
  void run_nested(nest::TaskSet& child) override;

  // The host's entry points given to every plugin factory.
  static const nest::detail::Host* host_services();
  // The user whose code runs on the calling thread, or null.
  static User* current();
  // Makes nest::Feeder's claims those of the user running on the calling thread.
  static void install_claims();

  // nest::Feeder::claim: a free row of `table`, or one released within `timeout` while this
  // user is parked (then nest::ClaimTimeout); nest::UserStopped when the run stops it first.
  std::size_t claim_row(FeederTable& table, std::chrono::nanoseconds timeout);
  // nest::Feeder::release: std::logic_error when this user does not hold `row`.
  void release_row(FeederTable& table, std::size_t row);
  // ClaimBroker::wait_for: parks until the function handed to `arm` is called or `bound`
  // passes; nest::UserStopped when the run stops this user.
  void wait_for(const std::function<void(std::function<void()>)>& arm,
                std::chrono::nanoseconds bound);

 private:
  enum class Phase { kIdle, kOnStart, kTask, kWaiting, kOnStop };
  void run_taskset(std::size_t index);  // one visit: create, then visit()
  // on_start, tasks until interrupt() or the stop, on_stop; `name` tags its exceptions. An
  // exception out of on_start ends the visit (on_stop still runs): `start_failed` says so.
  Outcome visit(nest::TaskSet& taskset, const std::string& name, bool& start_failed);
  // Gives back every row this user still holds: when its visit ends, however it ends.
  void release_claims();
  bool has_task_to_run(const nest::TaskSet& taskset) const;
  void pause(std::chrono::nanoseconds duration);  // between tasks: cut short by any stop
  void wait_on_timer(std::chrono::nanoseconds duration);
  // What ends a wait_on_timer from another thread, while `*waiting` (this user's thread's).
  std::function<void()> waker(const std::shared_ptr<bool>& waiting);
  // Every suspension of the coroutine: `start(yield)` starts the wait; on resuming, this user
  // is again the current one of its thread (the one client() and sleep() find).
  template <typename Start>
  void park(Start&& start);
  template <typename Fn>
  Outcome guarded(const std::string& taskset, std::string_view what, Fn&& fn,
                  bool* threw = nullptr);
  void wait_after_task(const nest::WaitTime& wait, EngineClock::time_point started);

  bool ending() const;  // stopping, leaving: no new task, no pause

  Worker& worker_;
  RunningCode running_;  // the plugin code it runs now, for a crash's message
  Kind kind_;
  EngineClock::time_point scheduled_;
  int pinned_;
  std::function<void()> job_;  // kJob
  // One session per transport kind, made when a taskset first needs it, so cookies and
  // connections carry over between tasksets on the same transport.
  std::unique_ptr<Session> sessions_[2];
  Session* session_ = nullptr;  // the current taskset's
  EngineTimer timer_;           // sleeps and pauses, on the engine's clock
  // While suspended for a request: the handler that resumes the coroutine. No timer, so
  // parking costs no timerfd update. (Not any_completion_handler: in Boost 1.81 a lambda
  // holding one looks copyable and asio's copy recurses forever.)
  using ParkHandler = boost::asio::async_result<boost::asio::yield_context, void()>::handler_type;
  std::optional<ParkHandler> parked_;
  boost::asio::yield_context* yield_ = nullptr;
  Phase phase_ = Phase::kIdle;
  bool cancelled_ = false;  // stop_now() was called
  bool cut_ = false;        // cut() was called
  bool leaving_ = false;    // leave() was called
  EngineClock::time_point leave_deadline_;
  int visiting_ = -1;
  EngineClock::time_point visit_began_;
  bool finished_ = false;
  std::vector<std::pair<FeederTable*, std::size_t>> claims_;  // rows held (nest::Feeder::claim)
};

}  // namespace nest::host
