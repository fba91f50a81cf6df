// The search for the highest load that still meets a service level, as a sequence of
// plateaus: which level to hold next, given the verdicts so far. No time, no I/O: the runner
// holds each plateau and reports its verdict here (docs/capacity.md).
//
// The method: start at `start`; double while plateaus pass; once one fails, bisect between the
// highest pass and the lowest fail until they are within `precision` of each other; then hold
// the highest pass once more, longer, to confirm it. If the first plateau fails, halve until
// one passes (at most kMaxHalvings times). A confirmation that fails makes that level a fail
// and the search goes on below it. A ceiling that passes is confirmed the same way. An invalid
// plateau (the generator, not the system, ran out) ends the search: it never answers with a wrong
// capacity.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nest::host {

struct SearchSettings {
  double start = 10;        // the first plateau's level (arrivals/s, or users)
  double precision = 0.05;  // stop bisecting once (fail - pass) / pass is below this
  double ceiling = std::numeric_limits<double>::infinity();  // never try above it
  // Levels are whole numbers (users): bisection rounds, and stops when no whole level is left
  // between the last pass and the first fail, even if that is wider than `precision`.
  bool whole = false;
};

enum class PlateauVerdict {
  kPass,     // met the service level, and every validity gate held
  kFail,     // broke the service level (the system's limit)
  kInvalid,  // broke a validity gate (the generator's limit): nothing can be concluded
};

struct Plateau {
  double level = 0;
  bool confirmation = false;  // the longer hold of the level found
  PlateauVerdict verdict = PlateauVerdict::kPass;
};

class PlateauSearch {
 public:
  static constexpr int kMaxHalvings = 6;

  explicit PlateauSearch(SearchSettings settings);

  // The next plateau to hold (its level, and whether it is the confirmation), or none when the
  // search is over.
  std::optional<Plateau> next() const;
  // The verdict of the plateau next() gave.
  void record(PlateauVerdict verdict);

  enum class Ending {
    kSearching,      // not over yet
    kFound,          // capacity(): the highest level that passed, confirmed
    kInvalid,        // a plateau broke a validity gate: see plateaus()
    kNothingPassed,  // even start / 2^kMaxHalvings failed
    kCeiling,        // the ceiling passed, confirmed: capacity() is at least it
  };
  Ending ending() const { return ending_; }
  // The highest confirmed passing level (kFound), or the confirmed ceiling (kCeiling).
  double capacity() const { return capacity_; }
  // Every plateau held so far, in order, with its verdict.
  const std::vector<Plateau>& plateaus() const { return plateaus_; }

 private:
  void plan_next();
  std::optional<double> highest_pass_below(double level) const;

  SearchSettings settings_;
  std::vector<Plateau> plateaus_;
  std::optional<Plateau> next_;
  std::optional<double> lowest_fail_;
  int halvings_ = 0;
  Ending ending_ = Ending::kSearching;
  double capacity_ = 0;
};

}  // namespace nest::host
