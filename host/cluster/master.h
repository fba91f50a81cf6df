// nest-host --master: runs no users. It waits for --expect-workers workers to join (each
// checked: same version, ABI and tasksets), hands each its share of the plan with one start
// time, then merges their reports once a second, on its own clock, into the same observer a
// local run feeds (console, CSV, thresholds), until every worker's run is over.
//
// Totals: each worker's reports carry its cumulative state; the master's totals are the sum
// of its workers' intervals, each applied once (by sequence number), and checked against the
// cumulative states at the end. Users and taskset visits are each worker's latest, summed.
//
// Not built yet (issue 14): heartbeats and missing workers, rebalancing, credentials for a
// bind beyond loopback, the open model, stages and shapes on a master, run hooks on the master.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/run.h"
#include "stats/live_results.h"

namespace nest::host {

struct MasterSettings {
  std::string bind = "tcp://127.0.0.1:5557";  // --bind: loopback unless credentials (not yet)
  std::size_t expect_workers = 1;              // --expect-workers
  std::chrono::milliseconds join_timeout{60000};  // --expect-workers-max-wait
};

class Master {
 public:
  // `run` is the whole plan (closed model: users, spawn rate, run time); `tasksets` the ones
  // taking part, with the weights every worker will use. All must outlive the master.
  Master(const MasterSettings& settings, const RunSettings& run,
         const std::vector<TasksetType>& tasksets, RunObserver& observer);
  ~Master();

  // Binds, waits for the workers, runs, merges. Throws std::runtime_error when it cannot bind.
  // Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops every worker's run; a second one stops waiting for
  // their last reports. `ended_by` says why it ended early (workers that never joined).
  RunOutcome go();

  // Asked while the master waits for the workers to join: a non-empty answer (why the workers
  // can no longer all come, e.g. "process 2 (pid 4711) exited with status 2") ends the wait.
  void set_join_watch(std::function<std::string()> watch) { join_watch_ = std::move(watch); }

  LiveResults::Snapshot snapshot() const { return results_.snapshot(); }
  const LiveResults& results() const { return results_; }
  // The workers that took part, in join order ("host:pid").
  const std::vector<std::string>& workers() const { return names_; }

 private:
  struct Peer;
  const MasterSettings& settings_;
  const RunSettings& run_;
  const std::vector<TasksetType>& tasksets_;
  RunObserver& observer_;
  LiveResults results_;
  std::vector<std::string> names_;
  std::function<std::string()> join_watch_;
};

}  // namespace nest::host
