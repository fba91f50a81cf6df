#include "stats/aggregator.h"

#include <algorithm>

namespace nest::host {
namespace {

double ms(std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

void fill_totals(RowSummary& out, const RowStats& s, double elapsed_s) {
  out.requests = s.requests;
  out.failures = s.failures;
  if (s.requests) {
    out.avg_ms = ms(s.total_us) / static_cast<double>(s.requests);
    out.avg_bytes = static_cast<double>(s.bytes) / static_cast<double>(s.requests);
  }
  out.min_ms = ms(s.times.min());
  out.max_ms = ms(s.times.max());
  out.median_ms = ms(s.times.percentile(0.5));
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    out.percentiles_ms[i] = ms(s.times.percentile(kReportedPercentiles[i]));
  }
  if (elapsed_s > 0) {
    out.rps = static_cast<double>(s.requests) / elapsed_s;
    out.fail_per_s = static_cast<double>(s.failures) / elapsed_s;
  }
}

void fill_current(RowSummary& out, const RowStats& recent, std::size_t seconds) {
  if (seconds == 0) return;
  out.current_rps = static_cast<double>(recent.requests) / static_cast<double>(seconds);
  out.current_fail_per_s = static_cast<double>(recent.failures) / static_cast<double>(seconds);
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    out.current_percentiles_ms[i] = ms(recent.times.percentile(kReportedPercentiles[i]));
  }
}

}  // namespace

void Aggregator::add(SampleSet&& interval, double elapsed_s) {
  elapsed_s_ = elapsed_s;
  users_ = interval.users;
  Recent recent;
  for (const auto& [key, stats] : interval.rows) {
    recent.total.merge(stats);
    recent.rows[key].merge(stats);
  }
  total_.merge(recent.total);
  window_.push_back(std::move(recent));
  if (window_.size() > kWindow) window_.pop_front();
  totals_.merge(std::move(interval));
}

Summary Aggregator::summarize() const {
  Summary out;
  out.elapsed_s = elapsed_s_;
  out.users = users_;
  std::map<RowKey, RowStats> recent_rows;
  RowStats recent_total;
  for (const Recent& r : window_) {
    for (const auto& [key, stats] : r.rows) recent_rows[key].merge(stats);
    recent_total.merge(r.total);
  }
  for (const auto& [key, stats] : totals_.rows) {
    RowSummary row;
    row.method = key.method;
    row.name = key.name;
    fill_totals(row, stats, elapsed_s_);
    if (auto it = recent_rows.find(key); it != recent_rows.end()) {
      fill_current(row, it->second, window_.size());
    }
    out.rows.push_back(std::move(row));
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const RowSummary& a, const RowSummary& b) {
    return std::tie(a.name, a.method) < std::tie(b.name, b.method);
  });
  out.total.name = "Aggregated";
  fill_totals(out.total, total_, elapsed_s_);
  fill_current(out.total, recent_total, window_.size());
  for (const auto& [key, n] : totals_.failures) {
    out.failures.push_back({key.method, key.name, key.error, n});
  }
  for (const auto& [key, n] : totals_.exceptions) {
    out.exceptions.push_back({key.taskset, key.task, key.message, n});
  }
  auto by_count = [](const auto& a, const auto& b) { return a.occurrences > b.occurrences; };
  std::stable_sort(out.failures.begin(), out.failures.end(), by_count);
  std::stable_sort(out.exceptions.begin(), out.exceptions.end(), by_count);
  return out;
}

}  // namespace nest::host
