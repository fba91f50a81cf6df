// One simulated user: a stackful coroutine that runs tasksets as Locust's User does.
//
// Loop: pick a taskset by weight → create it → on_start → { pick a task by weight → run it →
// wait } until interrupt() or stop → on_stop → again. Every call into plugin code goes through
// call_guarded (engine/guard.h). Lives on one worker thread; all methods run there.
#pragma once

#include <nest/taskset.h>

#include <boost/asio/spawn.hpp>
#include <memory>
#include <optional>

#include "engine/clock.h"
#include "engine/guard.h"
#include "http/transport.h"

namespace nest::host {

class Worker;

class User final : public Fiber, public nest::detail::UserContext {
 public:
  explicit User(Worker& worker);
  ~User();

  // The coroutine body; returns when the user has stopped.
  void run(boost::asio::yield_context yield);

  // Graceful stop: cuts the pause between tasks; the current task runs to its end.
  void stop_gracefully();
  // Stop now: the request or sleep under way throws nest::UserStopped; on_stop still runs.
  void stop_now();
  bool finished() const { return finished_; }

  // Fiber
  void suspend() override;
  void resume() override;
  void check_stopped() override;
  // nest::detail::UserContext
  nest::Client& client() override { return *session_; }
  void sleep(std::chrono::nanoseconds duration) override;

  // The host's entry points given to every plugin factory.
  static const nest::detail::Host* host_services();

 private:
  enum class Phase { kIdle, kOnStart, kTask, kWaiting, kOnStop };
  void run_taskset(std::size_t index);            // one visit: create, on_start, tasks, on_stop
  void pause(std::chrono::nanoseconds duration);  // between tasks: cut short by any stop
  void wait_on_timer(std::chrono::nanoseconds duration);
  // Every suspension of the coroutine: `start(yield)` starts the wait; on resuming, this user
  // is again the current one of its thread (the one client() and sleep() find).
  template <typename Start>
  void park(Start&& start);
  template <typename Fn>
  Outcome guarded(const std::string& taskset, std::string_view what, Fn&& fn);
  void wait_after_task(const nest::WaitTime& wait, EngineClock::time_point started);

  Worker& worker_;
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
  bool finished_ = false;
};

}  // namespace nest::host
