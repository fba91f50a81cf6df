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
  Recent second;
  for (const auto& [key, stats] : interval.rows) {
    second.total.merge(stats);
    second.rows[key].merge(stats);
  }
  total_.merge(second.total);
  window_.push_back(std::move(second));
  if (window_.size() > kWindow) window_.pop_front();
  totals_.merge(std::move(interval));
}

Summary summarize_totals(const SampleSet& totals, const RowStats& total, double elapsed_s) {
  Summary out;
  out.elapsed_s = elapsed_s;
  out.users = totals.users;
  for (const auto& [key, stats] : totals.rows) {
    RowSummary row;
    row.method = key.method;
    row.name = key.name;
    fill_totals(row, stats, elapsed_s);
    out.rows.push_back(std::move(row));
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const RowSummary& a, const RowSummary& b) {
    return std::tie(a.name, a.method) < std::tie(b.name, b.method);
  });
  out.total.name = "Aggregated";
  fill_totals(out.total, total, elapsed_s);
  for (const auto& [key, n] : totals.failures) {
    out.failures.push_back({key.method, key.name, key.error, n});
  }
  for (const auto& [key, n] : totals.exceptions) {
    out.exceptions.push_back({key.taskset, key.task, key.message, n});
  }
  const RowStats& c = totals.connects;
  out.connects.count = c.requests;
  if (c.requests) {
    out.connects.avg_ms = ms(c.total_us) / static_cast<double>(c.requests);
    out.connects.median_ms = ms(c.times.percentile(0.5));
    out.connects.p95_ms = ms(c.times.percentile(0.95));
    out.connects.max_ms = ms(c.times.max());
  }
  auto by_count = [](const auto& a, const auto& b) { return a.occurrences > b.occurrences; };
  std::stable_sort(out.failures.begin(), out.failures.end(), by_count);
  std::stable_sort(out.exceptions.begin(), out.exceptions.end(), by_count);
  return out;
}

RowStats merge_rows(const SampleSet& set) {
  RowStats total;
  for (const auto& [key, stats] : set.rows) total.merge(stats);
  return total;
}

void Aggregator::reset() {
  totals_ = {};
  total_ = {};
  window_.clear();
  reset_at_s_ = elapsed_s_;
}

Summary Aggregator::summarize() const {
  Summary out = summarize_totals(totals_, total_, elapsed_s_ - reset_at_s_.value_or(0));
  out.users = users_;
  Recent window = recent();
  for (RowSummary& row : out.rows) {
    if (auto it = window.rows.find({row.method, row.name}); it != window.rows.end()) {
      fill_current(row, it->second, window_.size());
    }
  }
  fill_current(out.total, window.total, window_.size());
  return out;
}

Aggregator::Recent Aggregator::recent() const {
  Recent out;
  for (const Recent& r : window_) {
    for (const auto& [key, stats] : r.rows) out.rows[key].merge(stats);
    out.total.merge(r.total);
  }
  out.seconds = static_cast<double>(window_.size());
  return out;
}

}  // namespace nest::host
