// The run second by second, for charts and for thresholds watched while running: what each
// interval the runner delivered held, stored as columns (one vector per figure) because that
// is how charts and the JSON result read them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stats/sample_set.h"

namespace nest::host {

// Figures of one row (or of all rows) per interval. A percentile is NaN for an interval with no
// request in it: "no data", which a chart shows as a gap, not as 0 ms.
struct Series {
  std::vector<double> rps, fail_per_s, p50_ms, p95_ms, p99_ms;
};

struct Timeline {
  std::vector<double> t;             // seconds since the first spawn, at each interval's end
  std::vector<std::uint64_t> users;  // users (open model: sessions) running at that moment
  std::vector<double> target;        // the aim then: users (closed), arrivals/s (open)
  Series total;                      // all rows merged
  std::map<RowKey, Series> rows;     // every row, aligned with t (0 req/s before it appeared)
  // Open model, aligned with t: sessions started and arrivals dropped per second, and the
  // 99th percentile of start lag (NaN when no session started).
  std::vector<double> started_per_s, dropped_per_s, start_lag_p99_ms;
  // New connections opened per second, aligned with t (empty in results of older versions).
  std::vector<double> connects_per_s;

  // Where each part of the plan began: a stage, a load shape's new aim.
  struct Mark {
    double t;
    std::string label;
    bool operator==(const Mark&) const = default;
  };
  std::vector<Mark> marks;

  // Appends one interval that ended `elapsed_s` after the start, when the run aimed at
  // `target`. An interval shorter than 50 ms (the last, cut short by the stop) is left out:
  // its rates would mean nothing.
  void add(const SampleSet& interval, double elapsed_s, double target);
};

}  // namespace nest::host
