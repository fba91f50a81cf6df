// Pass/fail criteria of a run (--threshold, [thresholds] in the INI file), k6-style.
//
//   threshold := [row ":"] metric op value [unit] [" for " duration]
//   row       := [METHOD " "] name      e.g. "GET /login" (that row) or "/login" (every method)
//   metric    := avg | min | max | med | pNN[.N] | rps | fail_ratio | failures | requests
//   op        := < | <= | > | >=
//   unit      := us | ms | s | m (times; ms when left out) · % (fail_ratio; else a 0..1 ratio)
//                · /s (rps, optional)
//
// Without a row a threshold is about all requests (the Aggregated row). "for 30s" sets the
// grace period for --abort-on-fail (10 s when left out): how long the threshold must stay
// broken, over the last 10 s of the run, before the run is stopped.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/metric_ref.h"
#include "stats/run_result.h"

namespace nest::host {

// A threshold that cannot be parsed; the message names where it came from and what is wrong.
struct ThresholdError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Threshold {
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual };

  std::string text;    // as written
  std::string source;  // "--threshold" or "nest.ini:14"
  MetricRef what;
  Op op = Op::kLess;
  double limit = 0;     // ms for times, a ratio for fail_ratio, req/s, or a count
  std::chrono::milliseconds grace{10'000};
};

// Throws ThresholdError: "<source>: '<text>': <what is wrong>".
Threshold parse_threshold(const std::string& text, const std::string& source);

ThresholdVerdict evaluate(const Threshold& threshold, const StatsView& stats);

// Every threshold judged on the whole run of `result`.
std::vector<ThresholdVerdict> judge(const std::vector<Threshold>& thresholds,
                                    const RunResult& result);

// True when any verdict is not a pass (a threshold with no data is broken, never passed).
bool any_broken(const std::vector<ThresholdVerdict>& verdicts);

// For --abort-on-fail: fed the recent-window statistics once a second, tells which threshold
// has stayed broken for its grace period. Thresholds without data are not broken yet (the row
// may come later); they are judged at the end.
class ThresholdWatch {
 public:
  explicit ThresholdWatch(std::vector<Threshold> thresholds) : thresholds_(std::move(thresholds)) {}

  // `elapsed` is the run's time. Returns the threshold that ends the run, with its measure.
  std::optional<ThresholdVerdict> check(const StatsView& recent, std::chrono::duration<double> elapsed);
  // Forget broken streaks (while users are still being spawned).
  void reset() { broken_since_.clear(); }

 private:
  std::vector<Threshold> thresholds_;
  std::map<std::size_t, std::chrono::duration<double>> broken_since_;
};

}  // namespace nest::host
