// Merges the intervals the runner delivers into run totals and a sliding window of recent
// seconds, and computes Summary values from them. Lives on the runner's thread.
#pragma once

#include <deque>

#include "stats/sample_set.h"
#include "stats/summary.h"

namespace nest::host {

class Aggregator {
 public:
  // Seconds of recent intervals behind the "current" figures (Locust uses about 10).
  static constexpr std::size_t kWindow = 10;

  void add(SampleSet&& interval, double elapsed_s);
  Summary summarize() const;

  // Everything since the start, merged (rows, failures, exceptions).
  const SampleSet& totals() const { return totals_; }

 private:
  struct Recent {
    std::map<RowKey, RowStats> rows;
    RowStats total;
  };
  SampleSet totals_;
  RowStats total_;  // all rows merged: the Aggregated row
  std::deque<Recent> window_;
  double elapsed_s_ = 0;
  std::uint64_t users_ = 0;
};

}  // namespace nest::host
