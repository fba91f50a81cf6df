// What a run has measured so far, kept by the run as each second's interval arrives: the
// totals, the Aggregated row, the recent window (stats/aggregator.h) and the timeline. The
// run's thread adds to it; any thread may take a snapshot meanwhile (the control surface's
// snapshot(), a web UI, a master).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "stats/aggregator.h"
#include "stats/timeline.h"

namespace nest::host {

class LiveResults {
 public:
  // --- the run's thread ---
  // Adds an interval that ended `elapsed_s` after the start, when the run aimed at `target`.
  void add(SampleSet&& interval, double elapsed_s, double target);
  // A new part of the plan began at `elapsed_s`.
  void mark(double elapsed_s, std::string label);
  // Statistics start again (a person's "reset statistics"): the totals, failures and
  // exceptions are forgotten and count again from the next interval; the timeline stays, with
  // `label` marked on it at the last interval's end.
  void reset_stats(std::string label);
  // Read on the run's thread (the only writer), without a lock.
  const Aggregator& aggregator() const { return aggregator_; }
  const Timeline& timeline() const { return timeline_; }

  // --- any thread ---
  struct Snapshot {
    SampleSet totals;  // every row with its full histogram, failures, exceptions, start lag
    RowStats total;    // the Aggregated row
    Timeline timeline;
    double elapsed_s = 0;
    std::optional<double> stats_reset_at_s;  // the last reset_stats(), if any
    // Users (sessions) in each taskset at the last interval's end.
    std::map<std::string, std::uint64_t> visiting;
  };
  Snapshot snapshot() const;
  // Users (sessions) in each taskset at the last interval's end: Snapshot::visiting alone.
  std::map<std::string, std::uint64_t> visiting() const;

 private:
  mutable std::mutex mutex_;  // held by writers, and by snapshot()
  Aggregator aggregator_;
  Timeline timeline_;
  std::map<std::string, std::uint64_t> visiting_;
};

}  // namespace nest::host
