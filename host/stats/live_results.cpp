#include "stats/live_results.h"

namespace nest::host {

void LiveResults::add(SampleSet&& interval, double elapsed_s, double target) {
  std::lock_guard lock(mutex_);
  timeline_.add(interval, elapsed_s, target);
  aggregator_.add(std::move(interval), elapsed_s);
}

void LiveResults::mark(double elapsed_s, std::string label) {
  std::lock_guard lock(mutex_);
  timeline_.marks.push_back({elapsed_s, std::move(label)});
}

LiveResults::Snapshot LiveResults::snapshot() const {
  std::lock_guard lock(mutex_);
  return {aggregator_.totals(), aggregator_.total(), timeline_, aggregator_.elapsed_s()};
}

}  // namespace nest::host
