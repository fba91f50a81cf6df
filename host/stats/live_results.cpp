#include "stats/live_results.h"

namespace nest::host {

void LiveResults::add(SampleSet&& interval, double elapsed_s, double target) {
  std::lock_guard lock(mutex_);
  timeline_.add(interval, elapsed_s, target);
  visiting_ = std::move(interval.visiting);
  interval.visiting.clear();  // a level, not a count: the totals do not sum it
  aggregator_.add(std::move(interval), elapsed_s);
}

void LiveResults::mark(double elapsed_s, std::string label) {
  std::lock_guard lock(mutex_);
  timeline_.marks.push_back({elapsed_s, std::move(label)});
}

void LiveResults::reset_stats(std::string label) {
  std::lock_guard lock(mutex_);
  aggregator_.reset();
  timeline_.marks.push_back({aggregator_.elapsed_s(), std::move(label)});
}

std::map<std::string, std::uint64_t> LiveResults::visiting() const {
  std::lock_guard lock(mutex_);
  return visiting_;
}

LiveResults::Snapshot LiveResults::snapshot() const {
  std::lock_guard lock(mutex_);
  return {aggregator_.totals(), aggregator_.total(), timeline_, aggregator_.elapsed_s(),
          aggregator_.reset_at_s(), visiting_};
}

}  // namespace nest::host
