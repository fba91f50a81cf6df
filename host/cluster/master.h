// nest-host --master: runs no users. It waits for --expect-workers workers to join (each
// checked: same version, ABI and tasksets), hands each its share of the plan with one start
// time, then follows the plan (stages, a load shape, the control surface below) on its own
// clock, steering each worker to its share of the aim, and merges their reports once a second
// into the same observer a local run feeds (console, CSV, thresholds), until every worker's run
// is over.
//
// Totals: each worker's reports carry its cumulative state; the master's totals are the sum
// of its workers' intervals, each applied once (by sequence number), and checked against the
// cumulative states at the end. Users and taskset visits are each worker's latest, summed over
// the workers not missing.
//
// Faults: a worker silent for kMissingAfter is missing; unless --no-rebalance, its share moves
// to the others, and back to it when it reports again (it runs its new share, never its old
// one on top). A worker joining during the run (a restarted pod) gets a share the same way.
//
// Credentials: with a key (cluster/cluster_key.h) every message is encrypted and only workers
// holding the same key can join.
//
// Run hooks run here, once per run (set_run_hooks).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_key.h"
#include "engine/run.h"
#include "engine/schedule.h"
#include "stats/live_results.h"
#include "stats/run_result.h"

namespace nest::host {

struct MasterSettings {
  std::string bind = "tcp://127.0.0.1:5557";  // --bind: loopback unless it has a key
  std::optional<ClusterKey> key;               // --cluster-key: workers must hold it too
  std::size_t expect_workers = 1;              // --expect-workers
  std::chrono::milliseconds join_timeout{60000};  // --expect-workers-max-wait
  bool rebalance = true;  // a missing worker's share moves to the others (--no-rebalance: not)
};

class Master final : public SteeredRun {
 public:
  // A worker silent this long is missing.
  static constexpr std::chrono::seconds kMissingAfter{5};

  // `run` is the whole plan's settings (model, threads, run time, timeouts); `schedule` the
  // plan the master follows (null: make_schedule(run)); `tasksets` the ones taking part, with
  // the weights every worker will use. `run`, `tasksets` and `observer` must outlive it.
  Master(const MasterSettings& settings, const RunSettings& run,
         const std::vector<TasksetType>& tasksets, RunObserver& observer,
         std::unique_ptr<Schedule> schedule = nullptr);
  ~Master();

  // Binds, waits for the workers, runs, merges. Throws std::runtime_error when it cannot bind.
  // Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops every worker's run; a second one stops waiting for
  // their last reports. `ended_by` says why it ended early (workers that never joined).
  RunOutcome go();

  // Asked while the master waits for the workers to join: a non-empty answer (why the workers
  // can no longer all come, e.g. "process 2 (pid 4711) exited with status 2") ends the wait.
  void set_join_watch(std::function<std::string()> watch) { join_watch_ = std::move(watch); }

  // The plugins' run hooks (nest/run_hooks.h), before go(): run here, once (cluster/hooks_run.h):
  // every on_test_start before any worker gets its plan (one that throws: no plan goes out),
  // every on_test_stop after every worker's last report. `hooks` must outlive the master.
  void set_run_hooks(const std::vector<RunHooksType>& hooks) { hooks_ = &hooks; }

  // --- the control surface, as Run's (engine/run.h): safe from any thread while it goes ---
  // A new aim for the whole run, shared among the workers; replaces the plan's until its next
  // step. Ignored once the run stops.
  void set_target(const LoadTarget& target, std::string mark = {}) override;
  void stop() override;
  void reset_stats(std::string mark) override;
  bool is_stopping() const override { return stopping_flag_.load(std::memory_order_relaxed); }
  // Whether the run started (every expected worker joined): before, nothing was measured.
  bool started() const { return started_flag_.load(std::memory_order_relaxed); }

  LiveResults::Snapshot snapshot() const { return results_.snapshot(); }
  const LiveResults& results() const override { return results_; }
  // The workers that took part, in join order, with what happened to them. Any thread.
  std::vector<WorkerRecord> workers() const;

 private:
  struct Peer;
  struct Requests {  // from the control surface, taken by the master's loop
    std::optional<std::pair<LoadTarget, std::string>> target;
    bool stop = false;
    std::vector<std::string> resets;
  };
  class Loop;

  const MasterSettings& settings_;
  const RunSettings& run_;
  const std::vector<TasksetType>& tasksets_;
  RunObserver& observer_;
  std::unique_ptr<Schedule> schedule_;
  LiveResults results_;
  std::function<std::string()> join_watch_;
  const std::vector<RunHooksType>* hooks_ = nullptr;
  std::atomic<bool> stopping_flag_{false};
  std::atomic<bool> started_flag_{false};
  mutable std::mutex mutex_;  // guards requests_ and records_
  Requests requests_;
  std::vector<WorkerRecord> records_;
};

}  // namespace nest::host
