// Figures computed once from merged samples by stats/aggregator.h: the console tables and the CSV
// files render these plain structs. A saved result (stats/run_result.h) is summarized the same
// way when it is shown again (nest-host report). Times are in milliseconds, rates per second.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nest::host {

// Locust's PERCENTILES_TO_REPORT, in order.
inline constexpr std::array<double, 11> kReportedPercentiles = {
    0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0};

struct RowSummary {
  std::string method;  // empty for the Aggregated row
  std::string name;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  double avg_ms = 0, min_ms = 0, max_ms = 0, median_ms = 0;
  double avg_bytes = 0;                             // average response body size
  double rps = 0, fail_per_s = 0;                   // over the whole run
  double current_rps = 0, current_fail_per_s = 0;   // over the last few seconds
  std::array<double, 11> percentiles_ms{};          // kReportedPercentiles, whole run
  std::array<double, 11> current_percentiles_ms{};  // kReportedPercentiles, last few seconds
};

struct FailureSummary {
  std::string method, name, error;
  std::uint64_t occurrences = 0;
};

struct ExceptionSummary {
  std::string taskset, task, message;
  std::uint64_t occurrences = 0;
};

// New connections over the run and how long they took to set up.
struct ConnectSummary {
  std::uint64_t count = 0;
  double avg_ms = 0, median_ms = 0, p95_ms = 0, max_ms = 0;
};

struct Summary {
  std::vector<RowSummary> rows;  // sorted by name, then method (as Locust)
  RowSummary total;              // "Aggregated"
  std::vector<FailureSummary> failures;
  std::vector<ExceptionSummary> exceptions;
  ConnectSummary connects;
  double elapsed_s = 0;
  std::uint64_t users = 0;
};

}  // namespace nest::host
