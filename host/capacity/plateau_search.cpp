#include "capacity/plateau_search.h"

#include <algorithm>
#include <cmath>

namespace nest::host {

PlateauSearch::PlateauSearch(SearchSettings settings) : settings_(settings) {
  next_ = Plateau{std::min(settings_.start, settings_.ceiling), false, PlateauVerdict::kPass};
}

std::optional<Plateau> PlateauSearch::next() const { return next_; }

std::optional<double> PlateauSearch::highest_pass_below(double level) const {
  std::optional<double> best;
  for (const Plateau& p : plateaus_) {
    if (p.verdict == PlateauVerdict::kPass && p.level < level && (!best || p.level > *best)) {
      best = p.level;
    }
  }
  return best;
}

void PlateauSearch::record(PlateauVerdict verdict) {
  if (!next_) return;
  Plateau held = *next_;
  held.verdict = verdict;
  plateaus_.push_back(held);
  next_.reset();
  if (verdict == PlateauVerdict::kInvalid) {
    ending_ = Ending::kInvalid;
    return;
  }
  if (verdict == PlateauVerdict::kFail) {
    lowest_fail_ = lowest_fail_ ? std::min(*lowest_fail_, held.level) : held.level;
  } else if (held.confirmation) {
    ending_ = held.level >= settings_.ceiling ? Ending::kCeiling : Ending::kFound;
    capacity_ = held.level;
    return;
  }
  plan_next();
}

void PlateauSearch::plan_next() {
  std::optional<double> pass =
      lowest_fail_ ? highest_pass_below(*lowest_fail_) : highest_pass_below(settings_.ceiling * 2);
  if (!lowest_fail_) {  // doubling: every plateau so far passed
    double level = std::min(*pass * 2, settings_.ceiling);
    if (level <= *pass) {  // the ceiling passed: confirm it as any level found
      next_ = Plateau{*pass, true, PlateauVerdict::kPass};
      return;
    }
    next_ = Plateau{level, false, PlateauVerdict::kPass};
    return;
  }
  if (!pass) {  // nothing passed below the lowest fail: halve
    double half = settings_.whole ? std::floor(*lowest_fail_ / 2) : *lowest_fail_ / 2;
    if (halvings_ == kMaxHalvings || half <= 0) {
      ending_ = Ending::kNothingPassed;
      return;
    }
    ++halvings_;
    next_ = Plateau{half, false, PlateauVerdict::kPass};
    return;
  }
  if ((*lowest_fail_ - *pass) / *pass > settings_.precision) {
    double middle = (*pass + *lowest_fail_) / 2;
    if (settings_.whole) middle = std::round(middle);
    if (middle > *pass && middle < *lowest_fail_) {  // whole levels: none left between them
      next_ = Plateau{middle, false, PlateauVerdict::kPass};
      return;
    }
  }
  next_ = Plateau{*pass, true, PlateauVerdict::kPass};  // close enough: confirm it
}

}  // namespace nest::host
