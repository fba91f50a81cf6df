// What thresholds and compare rules measure: "[ROW:]METRIC", e.g. "p95", "GET /login:p99",
// "/items:fail_ratio" — and measuring it on a run's statistics.
//
//   row    := [METHOD " "] name   "GET /login" is that row; "/login" merges every method of it;
//                                 no row is all requests (the Aggregated row)
//   metric := avg | min | max | med | pNN[.N] | rps | fail_ratio | failures | requests
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "stats/sample_set.h"

namespace nest::host {

struct MetricRef {
  enum class Metric { kPercentile, kAvg, kMin, kMax, kRps, kFailRatio, kFailures, kRequests };
  std::optional<std::string> method;  // none: every method of `name`
  std::optional<std::string> name;    // none: all requests
  Metric metric = Metric::kPercentile;
  double fraction = 0;                // kPercentile: 0.95 for p95

  bool is_time() const {
    return metric == Metric::kPercentile || metric == Metric::kAvg || metric == Metric::kMin ||
           metric == Metric::kMax;
  }
  // "GET /login", "/login" or "all requests".
  std::string row_label() const;
};

// Parses "[ROW:]METRIC" (the text before the comparison). Throws std::invalid_argument with
// the reason (the caller adds where the text came from).
MetricRef parse_metric_ref(std::string_view text);

// Statistics to measure on: rows over `seconds` of the run, and all of them merged.
struct StatsView {
  const std::map<RowKey, RowStats>& rows;
  const RowStats& total;
  double seconds;
};

// The value (ms for times, a 0..1 ratio, req/s or a count), or why there is none: "no request
// named 'GET /x' was made", "no requests".
struct Measurement {
  std::optional<double> value;
  std::string no_data;
};
Measurement measure(const MetricRef& ref, const StatsView& stats);

// A value in the metric's unit, for people: "312 ms", "1.20 s", "0.52%", "123.4 req/s", "12".
std::string measurement_text(const MetricRef& ref, double value);

}  // namespace nest::host
