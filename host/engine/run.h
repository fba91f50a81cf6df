// A load test as it runs. The run follows a schedule (engine/schedule.h: fixed users, stages, a
// load shape) and can be steered while it goes through its control surface; it starts and
// removes users (closed model) or starts sessions as they arrive (open model), stops on time,
// at the end of its plan or on a signal, and hands the observer every second's merged interval
// along with everything measured so far. Times that decide what happens come from EngineClock
// (engine/clock.h).
//
// Stop sequence: the first SIGINT/SIGTERM/SIGHUP (or the run time) stops gracefully — no new tasks,
// pauses cut short, on_stop runs. After --stop-timeout no request starts (on_stop's excepted)
// and sleeps end, but requests on the wire may still be answered and recorded: the drain. After
// --drain-timeout what is still on the wire is cut, counted as cut (recorded + cut = sent), and
// on_stop can make no more requests: the run ends at -t + --stop-timeout + --drain-timeout at
// the latest. A second signal halts at once: the event loops stop where they are, requests on
// the wire are counted as cut, and the last interval is still delivered.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/arrival_plan.h"
#include "engine/clock.h"
#include "engine/crash_guard.h"
#include "engine/load_target.h"
#include "engine/overload_watch.h"
#include "engine/run_plan.h"
#include "engine/schedule.h"
#include "stats/live_results.h"

namespace nest::host {

class Worker;

// One second of the run, as the observer receives it.
struct IntervalReport {
  const SampleSet& interval;              // what the workers recorded in it, merged
  const LiveResults& results;             // everything so far, this interval included
  std::chrono::duration<double> elapsed;  // from the first spawn
  LoadModel model;                        // closed: users; open: arrivals
  double target;                          // the aim: users (closed) or arrivals per second (open)
  bool spawning;                          // closed model: users are still being started or removed
  bool final;                             // the last one: the run is over
  // The run is stopping (a signal, -t, the plan's end, an observer's wish): users finish and
  // requests drain, no new load starts, so the load no longer follows the plan.
  bool stopping;
  // The generator's CPU in this second: the process's CPU time over the cores its threads may
  // use (0..1, OverloadWatch). None when driven (tests).
  std::optional<double> cpu;
};

class RunObserver {
 public:
  // Called on the run's thread about once a second, and once more at the end (final).
  // Returns true to stop the run as a Ctrl-C would (e.g. a threshold broke for too long).
  virtual bool on_interval(const IntervalReport& report) = 0;
  // A message for the person running the test (stop requested, generator overloaded, ...).
  virtual void on_notice(const std::string& message) = 0;

 protected:
  ~RunObserver() = default;
};

struct RunOutcome {
  bool interrupted = false;  // stopped by a signal or stop() before its plan or run time ended
  bool halted = false;       // second signal: users were not torn down; exit the process soon
  std::chrono::duration<double> elapsed{0};
  std::string ended_by;  // why it ended early: a load shape that threw, say; else empty
  // A crash in plugin code ended it (engine/crash_guard.h). Like a halt, the process must exit
  // soon after reporting.
  std::optional<CrashReport> crash;
};

// A run as whoever steers it sees it while it goes: the control surface and what it measured.
// A Run is one; so is a master steering its workers (cluster/master.h). The web UI holds one.
// Each method is safe from any thread.
class SteeredRun {
 public:
  virtual void set_target(const LoadTarget& target, std::string mark = {}) = 0;
  virtual void stop() = 0;
  virtual void reset_stats(std::string mark) = 0;
  virtual bool is_stopping() const = 0;
  virtual const LiveResults& results() const = 0;

 protected:
  ~SteeredRun() = default;
};

class Run final : public SteeredRun {
 public:
  // `tasksets` (all with weight > 0, at least one), `settings` and `observer` must outlive
  // it. `schedule`: the plan to follow; null: the plan of `settings` (make_schedule).
  Run(const std::vector<TasksetType>& tasksets, const RunSettings& settings, RunObserver& observer,
      std::unique_ptr<Schedule> schedule = nullptr);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Runs the test: each worker on a thread of its own, the run on the calling thread, which
  // also takes SIGINT, SIGTERM and SIGHUP. Returns when it is over.
  RunOutcome go();

  // The plugins' run hooks (nest/run_hooks.h), before go(): built on the first worker when the
  // run starts; each on_test_start runs before any user starts (one that throws ends the run
  // there: outcome().ended_by says which and why), each on_test_stop once every user has
  // stopped, for at most kStopHooksLimit. `hooks` must outlive the run.
  void set_run_hooks(const std::vector<RunHooksType>& hooks) { hook_types_ = &hooks; }
  static constexpr std::chrono::seconds kStopHooksLimit{60};

  // Before go(): SIGINT, SIGTERM and SIGHUP are someone else's (a master's, which stops this
  // run itself): go() neither takes nor unblocks them. A crash in plugin code is still its own.
  void leave_stop_signals() { own_stop_signals_ = false; }

  // --- the control surface: safe from any thread while the run goes ---
  // A new aim, in the run's model (closed: users; open: arrivals); the schedule's next step,
  // if it has one, replaces it. Ignored once the run stops. `mark`, when not empty, names the
  // new part of the plan on the timeline ("plateau 3: 200/s"), as a schedule's step does.
  void set_target(const LoadTarget& target, std::string mark = {}) override;
  // Stops the run as Ctrl-C does.
  void stop() override;
  // Statistics start again (LiveResults::reset_stats), `mark` on the timeline; the load goes
  // on. Ignored once the run stops, so the final result always covers the run's end. Either
  // way the observer is told (a notice), on the run's thread.
  void reset_stats(std::string mark) override;
  // Whether the run is stopping or over (a signal, -t, the plan's end, stop()): a new target
  // is ignored from then on.
  bool is_stopping() const override { return stopping_flag_.load(std::memory_order_relaxed); }
  // Everything measured so far (totals with histograms, the timeline).
  LiveResults::Snapshot snapshot() const { return results_.snapshot(); }
  const LiveResults& results() const override { return results_; }

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
  struct Collection;

  void start(bool threads);
  // The load begins: the schedule, the ticks, the run time (after the start hooks, if any).
  void begin_load();
  // On the first worker, in a job user: builds the hooks and calls each on_test_start; the
  // failure, if any, goes to hooks_started on the run's thread.
  void start_hooks();
  void hooks_started(const std::string& failure);
  // Calls each on_test_stop of the hooks that started, then finish() again.
  void stop_hooks();
  std::chrono::duration<double> elapsed() const;
  void wait_signal();
  void follow_schedule();
  void apply(const LoadTarget& target);
  void adjust_users();
  void arrive();
  void add_to_workers(std::uint64_t n);
  void remove_from_workers(std::uint64_t n);
  // n users pinned to taskset `pinned` (-1: picking by weight) to / from the workers; the
  // removal returns how many it could not take.
  void add_batch(std::uint64_t n, int pinned);
  std::uint64_t remove_batch(std::uint64_t n, int pinned);
  double aim() const;
  bool spawning() const;
  // Takes every worker's interval and hands the merge to `done`, on the run's thread.
  void collect(std::function<void(SampleSet&&)> done);
  void tick(EngineClock::time_point next);
  void cancel_timers(bool all);
  void begin_stop();
  void worker_idle();
  void end_loop();
  void halt();
  void crashed(const CrashReport& report);
  void finish();
  void report_final(SampleSet&& last);

  const std::vector<TasksetType>& tasksets_;
  const RunSettings& settings_;
  RunObserver& observer_;
  std::unique_ptr<Schedule> schedule_;
  std::optional<EngineClock::time_point> schedule_next_;  // when to ask it again
  boost::asio::io_context io_{1};
  // Keeps the loop going while it only waits for the workers (a take under way): released at
  // the end.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::signal_set signals_;
  EngineTimer schedule_timer_, spawn_timer_, arrival_timer_, tick_timer_, end_timer_, stop_timer_;
  std::unique_ptr<OverloadWatch> overload_;  // null when driven
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::shared_ptr<Collection>> collecting_;  // takes under way, oldest first
  LiveResults results_;
  EngineClock::time_point started_;
  const std::vector<RunHooksType>* hook_types_ = nullptr;
  // The hooks built (on the first worker's thread, which alone touches them after).
  std::vector<std::unique_ptr<nest::RunHooks>> hooks_;
  bool load_begun_ = false;
  bool own_stop_signals_ = true;
  bool stop_hooks_run_ = false;
  EngineTimer hooks_timer_;  // kStopHooksLimit

  // Closed model: the aim, and the ramp toward it (user k of the ramp is due k / rate after
  // its start, the first at once).
  UsersTarget users_target_;
  EngineClock::time_point ramp_start_;
  std::uint64_t ramp_from_ = 0;
  std::uint64_t users_ = 0;                  // users started and not removed
  std::vector<std::uint64_t> worker_users_;  // the same, per worker
  // Of those, the users pinned to each taskset (a fixed count): [worker][taskset].
  std::vector<std::vector<std::uint64_t>> worker_pinned_;

  // Open model.
  std::unique_ptr<ArrivalPlan> arrivals_;
  double arrival_rate_target_ = 0;
  std::uint64_t max_users_ = 0;  // open model: sessions at once at most; 0: no cap
  std::atomic<std::uint64_t> sessions_{0};  // running, over all workers
  std::uint64_t next_worker_ = 0;           // round-robin for sessions
  std::uint64_t dropped_ = 0;               // this interval
  bool lag_warned_ = false;                 // the late-start warning was given

  std::size_t idle_workers_ = 0;
  bool stopping_ = false;
  std::atomic<bool> stopping_flag_{false};  // stopping_, for other threads
  bool finishing_ = false;
  bool finished_ = false;
  RunOutcome outcome_;
};

// Blocks until the test is over: Run(...).go().
RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer);

}  // namespace nest::host
