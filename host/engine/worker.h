// One worker thread: its own io_context, HTTP transports, recorder, random generator and users.
// Nothing here is shared with other workers; the run talks to a worker only through the
// thread-safe methods below, which post to its io_context.
//
// A worker normally runs its loop on its own thread (start()). A test may instead drive it from
// its own thread with poll() (never both), to run the engine on a ManualTime step by step.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/run_plan.h"
#include "engine/user.h"
#include "engine/weighted_picker.h"
#include "stats/recorder.h"
#include "util/rng.h"

namespace nest::host {

class Worker {
 public:
  // `tasksets` (weights > 0) and `settings` must outlive the worker. `on_idle` runs on this
  // worker's thread once it is stopping and its last user has finished. `sessions` (open
  // model) counts the sessions running over all workers: the worker takes one off as each of
  // its sessions ends.
  Worker(const std::vector<TasksetType>& tasksets, const RunSettings& settings, std::uint64_t seed,
         std::function<void()> on_idle, std::atomic<std::uint64_t>* sessions = nullptr);
  ~Worker();

  // --- thread-safe ---
  void start();                   // starts the thread
  // Spawns n users; `pinned`: the taskset (index) they always run (a fixed count), or -1.
  void add_users(std::size_t n, int pinned = -1);
  // Removes n users pinned to `pinned` (-1: the users that pick by weight), or as many as it
  // has, keeping the mix of tasksets of those that stay in proportion to the weights; each
  // finishes its task within --stop-timeout, then on_stop.
  void remove_users(std::size_t n, int pinned = -1);
  // Runs `job` in a user of its own (User::Kind::kJob), even once stopping: the run hooks.
  void run_job(std::function<void()> job);
  // Starts one open-model session for each moment it was due at.
  void start_sessions(std::vector<EngineClock::time_point> due);
  void stop_gracefully();  // users finish their current task, then on_stop
  void stop_now();         // no new request; sleeps end; requests on the wire may complete
  void cut();              // requests still on the wire are cut (counted), then on_stop ends
  // Takes what was recorded since the last take and hands it to `done`, on this worker's
  // thread.
  void take_interval(std::function<void(SampleSet&&)> done);
  // Stops the event loop where it is and waits for the thread, at most `patience`. Returns
  // false when the thread did not come back (a task that never yields holds it): it is then
  // left running, detached, and this worker must be neither read nor destroyed.
  bool halt_and_join(std::chrono::milliseconds patience = std::chrono::milliseconds::max());
  // After halt_and_join only: the last interval, read directly, requests on the wire counted
  // as cut.
  SampleSet take_interval_after_halt();

  // --- driven (a test's thread, when start() was not called) ---
  // Runs the handlers that are ready, timers due on the EngineClock included; returns how many.
  std::size_t poll();
  // Users parked until their request completes (not on a timer): the engine is not at rest.
  std::size_t users_in_io() const { return users_in_io_.load(std::memory_order_acquire); }

  // --- worker thread only (for users) ---
  boost::asio::io_context& io() { return io_; }
  // The transport of that kind on this worker, made on first use.
  Transport& transport(TransportSettings::Kind kind);
  const RunSettings& settings() const { return settings_; }
  Recorder& recorder() { return recorder_; }
  Rng& rng() { return rng_; }
  const std::vector<TasksetType>& tasksets() const { return tasksets_; }
  const WeightedPicker& taskset_picker() const { return picker_; }
  bool stopping() const { return stopping_; }
  void user_finished(User& user);
  // A user parks for its request / is running again.
  void user_in_io(bool parked) {
    users_in_io_.fetch_add(parked ? 1 : -1, std::memory_order_acq_rel);
  }

 private:
  void watch_lag(std::chrono::steady_clock::time_point expected);
  void check_idle();
  // The run stops: `step` (a stop now, or the cut) for every user still running, on this thread.
  void stop_users(void (User::*step)());
  SampleSet take_locally();
  void spawn(User::Kind kind, EngineClock::time_point due, int pinned = -1);
  void launch(User* user);
  // Taskset i's weight among the users that pick by weight (weights_of in worker.cpp).
  double picker_weight(std::size_t i) const { return picker_.weight(i); }
  void release(User* user);  // its coroutine has returned: frees it
  void arm_leave_timer();

  const std::vector<TasksetType>& tasksets_;
  const RunSettings& settings_;
  WeightedPicker picker_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  Recorder recorder_;
  std::unique_ptr<Transport> transports_[2];  // by TransportSettings::Kind; null until used
  Rng rng_;
  std::vector<std::unique_ptr<User>> users_;  // each user's `slot` is its index here
  std::size_t alive_ = 0;                     // users started and not finished
  std::size_t released_ = 0;                  // users freed since the last interval
  std::atomic<std::uint64_t>* sessions_;      // the run's count of open-model sessions, or null
  EngineTimer leave_timer_;  // the --stop-timeout and --drain-timeout of removed users
  // Tasksets that had a session running longer than kLingering (open model): named once.
  std::set<std::string> lingering_named_;
  std::atomic<std::size_t> users_in_io_{0};
  bool stopping_ = false;
  bool idle_reported_ = false;
  std::function<void()> on_idle_;
  boost::asio::steady_timer lag_timer_;  // real time: it measures the loop's lag
  std::uint64_t max_lag_us_ = 0;         // worst lag of the lag probe in this interval
  std::thread thread_;
  std::mutex exit_mutex_;
  std::condition_variable exit_cv_;
  bool exited_ = false;  // the thread's loop has returned
};

}  // namespace nest::host
