// `nest-host compare BASE.json NEW.json`: per row and aggregated, how requests/s, the failure
// ratio and p50/p95/p99 changed; and rules (--fail-on) that gate a deploy on the change.
//
//   rule   := [row ":"] metric op change       e.g. p95>+10%  fail_ratio>+0.5pp  rps<-5%
//   op     := > | >= | < | <=                               GET /items:p99>+20ms
//   change := [+|-]number unit
//   unit   := %  (relative to BASE) · pp (percentage points, fail_ratio) · us|ms|s (times,
//             absolute) · nothing (absolute, in the metric's own unit: req/s, a count)
//
// A rule breaks when the change stands in `op` to the limit ("p95>+10%": p95 grew by more
// than 10 %). A rule whose row is missing from either run is broken, and says so.
#pragma once

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/metric_ref.h"
#include "stats/run_result.h"

namespace nest::host {

struct CompareRule {
  enum class Unit { kPercent, kPoints, kAbsolute };
  std::string text;
  MetricRef what;
  bool greater = true;   // > or >=; else < or <=
  bool or_equal = false;
  double limit = 0;      // signed: percent, percentage points, ms or the metric's unit
  Unit unit = Unit::kPercent;
};

// Throws std::invalid_argument: "--fail-on '<text>': <what is wrong>".
CompareRule parse_compare_rule(const std::string& text);

// One figure in both runs; none where the run has no data for it.
struct Change {
  std::optional<double> base, now;
  // (now - base) / base in percent; none without both values or with base 0 and now not.
  std::optional<double> percent() const;
};

struct RowComparison {
  std::string method, name;  // method empty for "Aggregated"
  bool in_base = false, in_new = false;
  Change rps, fail_ratio, p50, p95, p99;  // ms for percentiles, 0..1 for the ratio
};

struct RuleVerdict {
  std::string rule;
  bool broken = false;
  std::string detail;  // "p95 12.0 ms -> 14.1 ms (+17.5%)" or why there is no data
};

struct Comparison {
  std::vector<RowComparison> rows;  // every row of either run, by name; Aggregated last
  std::vector<RuleVerdict> rules;
};

Comparison compare_results(const RunResult& base, const RunResult& now,
                           const std::vector<CompareRule>& rules);

// The table, then the rules with "ok" or "BROKEN".
void print_comparison(std::FILE* out, const Comparison& c, const std::string& base_name,
                      const std::string& new_name);

}  // namespace nest::host
