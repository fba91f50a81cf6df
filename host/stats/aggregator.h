// Merges the intervals the runner delivers into run totals and a sliding window of recent
// seconds, and computes Summary values from them. Lives on the runner's thread.
#pragma once

#include <deque>
#include <optional>

#include "stats/sample_set.h"
#include "stats/summary.h"

namespace nest::host {

// Whole-run figures of `totals` over `elapsed_s`: every row, the Aggregated row from `total`
// (all rows merged), failures and exceptions by occurrences. The current-window fields stay 0.
Summary summarize_totals(const SampleSet& totals, const RowStats& total, double elapsed_s);

// All rows of `set` merged into one: the Aggregated row's statistics.
RowStats merge_rows(const SampleSet& set);

class Aggregator {
 public:
  // Seconds of recent intervals behind the "current" figures (Locust uses about 10).
  static constexpr std::size_t kWindow = 10;

  void add(SampleSet&& interval, double elapsed_s);
  Summary summarize() const;
  // Forgets every total and the recent window (a person's "reset statistics"): from now on the
  // figures cover the time since this moment.
  void reset();

  // The last kWindow seconds (or fewer, early on), merged.
  struct Recent {
    std::map<RowKey, RowStats> rows;
    RowStats total;
    double seconds = 0;
  };
  Recent recent() const;

  // Everything since the start, merged (rows, failures, exceptions).
  const SampleSet& totals() const { return totals_; }
  const RowStats& total() const { return total_; }
  double elapsed_s() const { return elapsed_s_; }
  // The elapsed time of the last reset(): the totals cover the time since; none: the run's.
  std::optional<double> reset_at_s() const { return reset_at_s_; }

 private:
  SampleSet totals_;
  RowStats total_;  // all rows merged: the Aggregated row
  std::deque<Recent> window_;
  double elapsed_s_ = 0;
  std::optional<double> reset_at_s_;
  std::uint64_t users_ = 0;
};

}  // namespace nest::host
