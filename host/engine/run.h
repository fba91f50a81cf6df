// A load test as it runs: starts the workers, spawns users at the spawn rate, stops on time or
// on a signal, and hands one merged interval of samples to the observer every second. Times
// that decide what happens come from EngineClock (engine/clock.h).
//
// Stop sequence: the first SIGINT/SIGTERM (or the run time) stops gracefully — no new tasks,
// pauses cut short, on_stop runs — and after --stop-timeout what still runs is cancelled
// (the request under way is dropped unrecorded, on_stop still runs). A second signal halts at
// once: the event loops stop where they are and the last interval is still delivered.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/overload_watch.h"
#include "engine/run_plan.h"
#include "stats/sample_set.h"

namespace nest::host {

class Worker;

class RunObserver {
 public:
  // Called on the run's thread about once a second, and once more at the end (final=true).
  // `elapsed` counts from the first spawn; `spawning` is false once every user was started.
  // Returns true to stop the run as a Ctrl-C would (e.g. a threshold broke for too long).
  virtual bool on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed,
                           bool spawning, bool final) = 0;
  // A message for the person running the test (stop requested, generator overloaded, ...).
  virtual void on_notice(const std::string& message) = 0;

 protected:
  ~RunObserver() = default;
};

struct RunOutcome {
  bool interrupted = false;  // stopped by a signal before the run time ended
  bool halted = false;       // second signal: users were not torn down; exit the process soon
  std::chrono::duration<double> elapsed{0};
};

class Run {
 public:
  // `tasksets` (all with weight > 0, at least one), `settings` and `observer` must outlive it.
  Run(const std::vector<TasksetType>& tasksets, const RunSettings& settings, RunObserver& observer);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Runs the test: each worker on a thread of its own, the run on the calling thread, which
  // also takes SIGINT and SIGTERM. Returns when it is over.
  RunOutcome go();

  // --- driven, for tests: no threads, no signals, no overload warnings ---
  // Starts the run; the caller then calls poll() (on one thread) until finished().
  void start_driven();
  // Runs the handlers that are ready in the run's loop and every worker's; returns how many.
  std::size_t poll();
  // Users parked until a request completes: what poll() cannot finish without waiting.
  std::size_t users_in_io() const;
  bool finished() const { return finished_; }
  const RunOutcome& outcome() const { return outcome_; }

 private:
  void start(bool threads);
  std::chrono::duration<double> elapsed() const;
  void wait_signal();
  std::uint64_t spawn_target() const;
  void spawn_tick();
  // Takes every worker's interval and hands the merge to `done`, on the run's thread.
  void collect(std::function<void(SampleSet&&)> done);
  void tick(EngineClock::time_point next);
  void begin_stop();
  void worker_idle();
  void halt();
  void finish();
  void report_final(SampleSet&& last);

  struct Collection;
  const std::vector<TasksetType>& tasksets_;
  const RunSettings& settings_;
  RunObserver& observer_;
  boost::asio::io_context io_{1};
  // Keeps the loop going while it only waits for the workers (a take under way): released at
  // the end.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::signal_set signals_;
  EngineTimer spawn_timer_, tick_timer_, end_timer_, stop_timer_;
  std::unique_ptr<OverloadWatch> overload_;  // null when driven
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::shared_ptr<Collection>> collecting_;  // takes under way, oldest first
  EngineClock::time_point started_;
  std::uint64_t spawned_ = 0;
  std::size_t idle_workers_ = 0;
  bool stopping_ = false;
  bool finishing_ = false;
  bool finished_ = false;
  RunOutcome outcome_;
};

// Blocks until the test is over: Run(...).go().
RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer);

}  // namespace nest::host
