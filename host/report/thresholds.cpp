#include "report/thresholds.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/duration.h"
#include "config/options.h"
#include "report/table_format.h"

namespace nest::host {
namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

bool all_upper(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"avg", "min",        "max",      "med",
                                                 "p50", "p90",        "p95",      "p99",
                                                 "rps", "fail_ratio", "failures", "requests"};
  return names;
}

bool is_time(Threshold::Metric m) {
  using M = Threshold::Metric;
  return m == M::kPercentile || m == M::kAvg || m == M::kMin || m == M::kMax;
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ThresholdError(source_ + ": '" + text_ + "': " + what);
  }

  Threshold parse() {
    Threshold t;
    t.text = text_;
    t.source = source_;
    std::string_view rest = text_;
    // Grace: a trailing " for DURATION".
    if (auto at = rest.rfind(" for "); at != std::string_view::npos && at > rest.find_first_of("<>")) {
      std::string grace = trim(rest.substr(at + 5));
      auto parsed = parse_duration(grace);
      if (!parsed) fail("'" + grace + "' after 'for' is not a duration (e.g. 30s, 2m)");
      t.grace = *parsed;
      rest = rest.substr(0, at);
    }
    // Row: everything before the last ':' ahead of the comparison.
    std::size_t op_at = rest.find_first_of("<>");
    if (op_at == std::string_view::npos) fail("no comparison: write e.g. p95<300ms or rps>100");
    std::size_t colon = rest.substr(0, op_at).rfind(':');
    if (colon != std::string_view::npos) {
      std::string row = trim(rest.substr(0, colon));
      if (row.empty()) fail("nothing before ':' (a row is \"GET /path\" or \"/path\")");
      if (auto space = row.find(' '); space != std::string::npos && all_upper(row.substr(0, space))) {
        t.method = row.substr(0, space);
        row = trim(row.substr(space + 1));
        if (row.empty()) fail("a method but no request name before ':'");
      }
      t.name = row;
      rest = rest.substr(colon + 1);
      op_at -= colon + 1;
    }
    parse_metric(t, trim(rest.substr(0, op_at)));
    rest = rest.substr(op_at);
    bool equal = rest.size() > 1 && rest[1] == '=';
    t.op = rest[0] == '<' ? (equal ? Threshold::Op::kLessEqual : Threshold::Op::kLess)
                          : (equal ? Threshold::Op::kGreaterEqual : Threshold::Op::kGreater);
    parse_value(t, trim(rest.substr(equal ? 2 : 1)));
    return t;
  }

 private:
  void parse_metric(Threshold& t, const std::string& m) {
    using M = Threshold::Metric;
    if (m == "avg") t.metric = M::kAvg;
    else if (m == "min") t.metric = M::kMin;
    else if (m == "max") t.metric = M::kMax;
    else if (m == "med" || m == "median") t.metric = M::kPercentile, t.fraction = 0.5;
    else if (m == "rps") t.metric = M::kRps;
    else if (m == "fail_ratio") t.metric = M::kFailRatio;
    else if (m == "failures") t.metric = M::kFailures;
    else if (m == "requests") t.metric = M::kRequests;
    else if (m.size() > 1 && m[0] == 'p' && std::isdigit(static_cast<unsigned char>(m[1]))) {
      double percent = 0;
      auto [end, ec] = std::from_chars(m.data() + 1, m.data() + m.size(), percent);
      if (ec != std::errc() || end != m.data() + m.size() || percent <= 0 || percent > 100) {
        fail("'" + m + "' is not a percentile: use p50, p95, p99.9 (up to p100)");
      }
      t.metric = M::kPercentile;
      t.fraction = percent / 100;
    } else {
      std::string hint = nearest(m, metric_names());
      fail(m.empty() ? std::string("no metric before the comparison")
                     : "unknown metric '" + m + "'" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                           "; metrics: avg, min, max, med, pNN, rps, fail_ratio, failures, "
                           "requests");
    }
  }

  void parse_value(Threshold& t, const std::string& v) {
    double number = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
    if (ec != std::errc() || !std::isfinite(number) || number < 0) {
      fail("expected a number, 0 or more, after the comparison" +
           (v.empty() ? std::string() : ", not '" + v + "'"));
    }
    std::string unit = trim(std::string_view(end, v.data() + v.size() - end));
    using M = Threshold::Metric;
    if (is_time(t.metric)) {
      double scale = unit == "us" ? 0.001 : unit == "ms" || unit.empty() ? 1.0
                   : unit == "s" ? 1000.0 : unit == "m" ? 60'000.0 : -1;
      if (scale < 0) fail("'" + unit + "' is not a time unit: use us, ms, s or m");
      t.limit = number * scale;
    } else if (t.metric == M::kFailRatio) {
      if (unit == "%") t.limit = number / 100;
      else if (unit.empty() && number <= 1) t.limit = number;
      else fail("a failure ratio is a percentage (1%) or a ratio from 0 to 1 (0.01)");
    } else if (t.metric == M::kRps) {
      if (!unit.empty() && unit != "/s") fail("requests per second take no unit but '/s'");
      t.limit = number;
    } else {
      if (!unit.empty() || number != std::floor(number)) fail("a count is a whole number");
      t.limit = number;
    }
  }

  const std::string& text_;
  const std::string& source_;
};

std::string row_label(const Threshold& t) {
  return (t.method ? *t.method + " " : std::string()) + *t.name;
}

std::string measured_text(Threshold::Metric m, double value) {
  using M = Threshold::Metric;
  if (is_time(m)) return value >= 1000 ? fixed(value / 1000, 2) + " s" : millis(value) + " ms";
  if (m == M::kFailRatio) return fixed(value * 100, 2) + "%";
  if (m == M::kRps) return fixed(value, 1) + " req/s";
  return fixed(value, 0);
}

}  // namespace

Threshold parse_threshold(const std::string& text, const std::string& source) {
  return Parser(text, source).parse();
}

ThresholdVerdict evaluate(const Threshold& t, const StatsView& stats) {
  ThresholdVerdict v;
  v.text = t.text;
  v.source = t.source;
  RowStats merged;
  const RowStats* judged = &stats.total;
  if (t.name) {
    bool found = false;
    for (const auto& [key, row] : stats.rows) {
      if (key.name == *t.name && (!t.method || key.method == *t.method)) {
        merged.merge(row);
        found = true;
      }
    }
    if (!found) {
      v.measured = std::nan("");
      v.measured_text = "no request named '" + row_label(t) + "' was made";
      return v;
    }
    judged = &merged;
  }
  using M = Threshold::Metric;
  const RowStats& s = *judged;
  bool needs_requests = t.metric != M::kRps && t.metric != M::kFailures && t.metric != M::kRequests;
  if (needs_requests && s.requests == 0) {
    v.measured = std::nan("");
    v.measured_text = "no requests";
    return v;
  }
  auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  switch (t.metric) {
    case M::kPercentile: v.measured = ms(s.times.percentile(t.fraction)); break;
    case M::kAvg: v.measured = ms(s.total_us) / static_cast<double>(s.requests); break;
    case M::kMin: v.measured = ms(s.times.min()); break;
    case M::kMax: v.measured = ms(s.times.max()); break;
    case M::kRps:
      v.measured = stats.seconds > 0 ? static_cast<double>(s.requests) / stats.seconds : 0;
      break;
    case M::kFailRatio:
      v.measured = static_cast<double>(s.failures) / static_cast<double>(s.requests);
      break;
    case M::kFailures: v.measured = static_cast<double>(s.failures); break;
    case M::kRequests: v.measured = static_cast<double>(s.requests); break;
  }
  bool pass = false;
  switch (t.op) {
    case Threshold::Op::kLess: pass = v.measured < t.limit; break;
    case Threshold::Op::kLessEqual: pass = v.measured <= t.limit; break;
    case Threshold::Op::kGreater: pass = v.measured > t.limit; break;
    case Threshold::Op::kGreaterEqual: pass = v.measured >= t.limit; break;
  }
  v.outcome = pass ? ThresholdVerdict::Outcome::kPass : ThresholdVerdict::Outcome::kFail;
  v.measured_text = measured_text(t.metric, v.measured);
  return v;
}

std::vector<ThresholdVerdict> judge(const std::vector<Threshold>& thresholds,
                                    const RunResult& result) {
  std::vector<ThresholdVerdict> out;
  StatsView whole{result.totals.rows, result.total, result.info.elapsed_s};
  for (const auto& t : thresholds) out.push_back(evaluate(t, whole));
  return out;
}

bool any_broken(const std::vector<ThresholdVerdict>& verdicts) {
  return std::any_of(verdicts.begin(), verdicts.end(), [](const ThresholdVerdict& v) {
    return v.outcome != ThresholdVerdict::Outcome::kPass;
  });
}

std::optional<ThresholdVerdict> ThresholdWatch::check(const StatsView& recent,
                                                      std::chrono::duration<double> elapsed) {
  for (std::size_t i = 0; i < thresholds_.size(); ++i) {
    ThresholdVerdict v = evaluate(thresholds_[i], recent);
    if (v.outcome != ThresholdVerdict::Outcome::kFail) {
      broken_since_.erase(i);
      continue;
    }
    auto it = broken_since_.try_emplace(i, elapsed).first;
    if (elapsed - it->second >= thresholds_[i].grace) return v;
  }
  return std::nullopt;
}

}  // namespace nest::host
