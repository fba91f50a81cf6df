#include "report/metric_ref.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "report/table_format.h"
#include "util/text.h"

namespace nest::host {
namespace {

bool all_upper(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

void parse_metric(MetricRef& r, const std::string& m) {
  using M = MetricRef::Metric;
  if (m == "avg")
    r.metric = M::kAvg;
  else if (m == "min")
    r.metric = M::kMin;
  else if (m == "max")
    r.metric = M::kMax;
  else if (m == "med" || m == "median")
    r.metric = M::kPercentile, r.fraction = 0.5;
  else if (m == "rps")
    r.metric = M::kRps;
  else if (m == "fail_ratio")
    r.metric = M::kFailRatio;
  else if (m == "failures")
    r.metric = M::kFailures;
  else if (m == "requests")
    r.metric = M::kRequests;
  else if (m.size() > 1 && m[0] == 'p' && std::isdigit(static_cast<unsigned char>(m[1]))) {
    double percent = 0;
    auto [end, ec] = std::from_chars(m.data() + 1, m.data() + m.size(), percent);
    if (ec != std::errc() || end != m.data() + m.size() || percent <= 0 || percent > 100) {
      fail("'" + m + "' is not a percentile: use p50, p95, p99.9 (up to p100)");
    }
    r.metric = M::kPercentile;
    r.fraction = percent / 100;
  } else if (m.empty()) {
    fail("no metric before the comparison");
  } else {
    static const std::vector<std::string> names = {"avg", "min",        "max",      "med",
                                                   "p50", "p90",        "p95",      "p99",
                                                   "rps", "fail_ratio", "failures", "requests"};
    std::string hint = nearest(m, names);
    fail("unknown metric '" + m + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
         "; metrics: avg, min, max, med, pNN, rps, fail_ratio, failures, requests");
  }
}

}  // namespace

std::string MetricRef::row_label() const {
  if (!name) return "all requests";
  return (method ? *method + " " : std::string()) + *name;
}

MetricRef parse_metric_ref(std::string_view text) {
  MetricRef r;
  // The row is everything before the last ':' (a name may hold ':' itself, as in a URL).
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    std::string row = trim(text.substr(0, colon));
    if (row.empty()) fail("nothing before ':' (a row is \"GET /path\" or \"/path\")");
    if (auto space = row.find(' '); space != std::string::npos && all_upper(row.substr(0, space))) {
      r.method = row.substr(0, space);
      row = trim(row.substr(space + 1));
      if (row.empty()) fail("a method but no request name before ':'");
    }
    r.name = row;
    text = text.substr(colon + 1);
  }
  parse_metric(r, trim(text));
  return r;
}

Measurement measure(const MetricRef& ref, const StatsView& stats) {
  RowStats merged;
  const RowStats* judged = &stats.total;
  if (ref.name) {
    bool found = false;
    for (const auto& [key, row] : stats.rows) {
      // "grpc GetUser": a custom measurement's type is not an upper-case method, so the whole
      // text may be its type and name.
      bool named = key.name == *ref.name && (!ref.method || key.method == *ref.method);
      if (named || (!ref.method && key.method + " " + key.name == *ref.name)) {
        merged.merge(row);
        found = true;
      }
    }
    if (!found) return {std::nullopt, "no request named '" + ref.row_label() + "' was made"};
    judged = &merged;
  }
  using M = MetricRef::Metric;
  const RowStats& s = *judged;
  bool counts_only =
      ref.metric == M::kRps || ref.metric == M::kFailures || ref.metric == M::kRequests;
  if (!counts_only && s.requests == 0) return {std::nullopt, "no requests"};
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  switch (ref.metric) {
    case M::kPercentile:
      return {ms(s.times.percentile(ref.fraction)), {}};
    case M::kAvg:
      return {ms(s.total_us) / static_cast<double>(s.requests), {}};
    case M::kMin:
      return {ms(s.times.min()), {}};
    case M::kMax:
      return {ms(s.times.max()), {}};
    case M::kRps:
      return {stats.seconds > 0 ? static_cast<double>(s.requests) / stats.seconds : 0.0, {}};
    case M::kFailRatio:
      return {static_cast<double>(s.failures) / static_cast<double>(s.requests), {}};
    case M::kFailures:
      return {static_cast<double>(s.failures), {}};
    case M::kRequests:
      return {static_cast<double>(s.requests), {}};
  }
  return {std::nullopt, "unknown metric"};
}

std::string measurement_text(const MetricRef& ref, double value) {
  using M = MetricRef::Metric;
  if (ref.is_time()) return value >= 1000 ? fixed(value / 1000, 2) + " s" : millis(value) + " ms";
  if (ref.metric == M::kFailRatio) return fixed(value * 100, 2) + "%";
  if (ref.metric == M::kRps) return fixed(value, 1) + " req/s";
  return fixed(value, 0);
}

}  // namespace nest::host
