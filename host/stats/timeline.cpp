#include "stats/timeline.h"

#include <limits>

namespace nest::host {
namespace {

constexpr double kNoData = std::numeric_limits<double>::quiet_NaN();

void push(Series& s, const RowStats& stats, double seconds) {
  s.rps.push_back(static_cast<double>(stats.requests) / seconds);
  s.fail_per_s.push_back(static_cast<double>(stats.failures) / seconds);
  auto ms = [&](double fraction) {
    return stats.requests ? static_cast<double>(stats.times.percentile(fraction)) / 1000.0
                          : kNoData;
  };
  s.p50_ms.push_back(ms(0.50));
  s.p95_ms.push_back(ms(0.95));
  s.p99_ms.push_back(ms(0.99));
}

}  // namespace

void Timeline::add(const SampleSet& interval, double elapsed_s, double aim) {
  double seconds = elapsed_s - (t.empty() ? 0.0 : t.back());
  if (seconds < 0.05) return;
  const RowStats empty;
  for (const auto& [key, stats] : interval.rows) {
    auto [it, added] = rows.try_emplace(key);
    if (!added) continue;
    for (std::size_t i = 0; i < t.size(); ++i) push(it->second, empty, 1.0);  // backfill
  }
  for (auto& [key, series] : rows) {
    auto it = interval.rows.find(key);
    push(series, it == interval.rows.end() ? empty : it->second, seconds);
  }
  RowStats all;
  for (const auto& [key, stats] : interval.rows) all.merge(stats);
  push(total, all, seconds);
  t.push_back(elapsed_s);
  users.push_back(interval.users);
  target.push_back(aim);
  const RowStats& lag = interval.start_lag;
  started_per_s.push_back(static_cast<double>(lag.requests) / seconds);
  dropped_per_s.push_back(static_cast<double>(interval.dropped) / seconds);
  connects_per_s.push_back(static_cast<double>(interval.connects.requests) / seconds);
  start_lag_p99_ms.push_back(lag.requests ? static_cast<double>(lag.times.percentile(0.99)) / 1000.0
                                          : kNoData);
}

}  // namespace nest::host
