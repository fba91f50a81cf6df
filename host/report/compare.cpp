#include "report/compare.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "report/table_format.h"
#include "util/text.h"

namespace nest::host {
namespace {

StatsView view(const RunResult& r) { return {r.totals.rows, r.total, r.info.measured_s()}; }

std::optional<double> figure(const RunResult& r, const std::string& method, const std::string& name,
                             const char* metric) {
  MetricRef ref = parse_metric_ref(metric);
  if (!name.empty() || !method.empty()) {
    ref.method = method;
    ref.name = name;
  }
  return measure(ref, view(r)).value;
}

RowComparison compare_row(const RunResult& base, const RunResult& now, const std::string& method,
                          const std::string& name) {
  RowComparison row;
  row.method = method;
  row.name = name.empty() ? "Aggregated" : name;
  bool aggregated = name.empty();
  row.in_base = aggregated || base.totals.rows.count({method, name});
  row.in_new = aggregated || now.totals.rows.count({method, name});
  auto both = [&](const char* metric) {
    return Change{figure(base, method, name, metric), figure(now, method, name, metric)};
  };
  row.rps = both("rps");
  row.fail_ratio = both("fail_ratio");
  row.p50 = both("p50");
  row.p95 = both("p95");
  row.p99 = both("p99");
  return row;
}

std::string signed_fixed(double v, int decimals) {
  return (v >= 0 ? "+" : "") + fixed(v, decimals);
}

// "1203.4 -> 1150.2 (-4.4%)"
std::string cell(const Change& c, bool ratio) {
  auto show = [&](const std::optional<double>& v) {
    if (!v) return std::string("-");
    return ratio ? fixed(*v * 100, 2) + "%" : (*v >= 100 ? fixed(*v, 0) : fixed(*v, 2));
  };
  std::string text = show(c.base) + " -> " + show(c.now);
  if (ratio && c.base && c.now) {
    text += " (" + signed_fixed((*c.now - *c.base) * 100, 2) + "pp)";
  } else if (auto p = c.percent()) {
    text += " (" + signed_fixed(*p, 1) + "%)";
  }
  return text;
}

RuleVerdict judge_rule(const CompareRule& rule, const RunResult& base, const RunResult& now) {
  RuleVerdict v;
  v.rule = rule.text;
  Measurement b = measure(rule.what, view(base));
  Measurement n = measure(rule.what, view(now));
  if (!b.value || !n.value) {
    v.broken = true;
    v.detail = (!b.value ? "BASE: " + b.no_data : "NEW: " + n.no_data);
    return v;
  }
  std::optional<double> change;
  std::string shown;
  switch (rule.unit) {
    case CompareRule::Unit::kPercent:
      change = Change{b.value, n.value}.percent();
      shown = change ? signed_fixed(*change, 1) + "%" : "from 0";
      if (!change) change = *n.value > 0 ? INFINITY : 0.0;
      break;
    case CompareRule::Unit::kPoints:
      change = (*n.value - *b.value) * 100;
      shown = signed_fixed(*change, 2) + "pp";
      break;
    case CompareRule::Unit::kAbsolute:
      change = *n.value - *b.value;
      shown = signed_fixed(*change, 2) + (rule.what.is_time() ? " ms" : "");
      break;
  }
  double c = *change;
  v.broken = rule.greater ? (rule.or_equal ? c >= rule.limit : c > rule.limit)
                          : (rule.or_equal ? c <= rule.limit : c < rule.limit);
  v.detail = measurement_text(rule.what, *b.value) + " -> " +
             measurement_text(rule.what, *n.value) + " (" + shown + ")";
  return v;
}

}  // namespace

std::optional<double> Change::percent() const {
  if (!base || !now) return std::nullopt;
  if (*base == 0) return *now == 0 ? std::optional<double>(0.0) : std::nullopt;
  return (*now - *base) / *base * 100;
}

CompareRule parse_compare_rule(const std::string& text) {
  auto fail = [&](const std::string& what) -> void {
    throw std::invalid_argument("--fail-on '" + text + "': " + what);
  };
  CompareRule rule;
  rule.text = text;
  std::size_t op_at = text.find_first_of("<>");
  if (op_at == std::string::npos) {
    fail("no comparison: write e.g. p95>+10%, rps<-5% or fail_ratio>+0.5pp");
  }
  try {
    rule.what = parse_metric_ref(std::string_view(text).substr(0, op_at));
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  rule.greater = text[op_at] == '>';
  rule.or_equal = op_at + 1 < text.size() && text[op_at + 1] == '=';
  std::string value = trim(std::string_view(text).substr(op_at + (rule.or_equal ? 2 : 1)));
  const char* begin = value.data() + (!value.empty() && value[0] == '+' ? 1 : 0);
  double number = 0;
  auto [end, ec] = std::from_chars(begin, value.data() + value.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) {
    fail("expected a change after the comparison, e.g. +10%, -5%, +0.5pp or +20ms");
  }
  std::string unit = trim(std::string_view(end, value.data() + value.size() - end));
  if (unit == "%") {
    rule.unit = CompareRule::Unit::kPercent;
  } else if (unit == "pp") {
    if (rule.what.metric != MetricRef::Metric::kFailRatio) {
      fail("percentage points (pp) are for fail_ratio; use % for a relative change");
    }
    rule.unit = CompareRule::Unit::kPoints;
  } else {
    rule.unit = CompareRule::Unit::kAbsolute;
    double scale = 1;
    if (rule.what.is_time()) {
      scale = unit == "us" ? 0.001 : unit == "ms" ? 1 : unit == "s" ? 1000 : -1;
      if (scale < 0) fail("a time change needs %, us, ms or s, not '" + unit + "'");
    } else if (rule.what.metric == MetricRef::Metric::kFailRatio) {
      fail("a fail_ratio change is in pp (percentage points) or % (relative)");
    } else if (!unit.empty() && !(unit == "/s" && rule.what.metric == MetricRef::Metric::kRps)) {
      fail("'" + unit + "' is not a unit for " + text.substr(0, op_at) + ": use % or none");
    }
    number *= scale;
  }
  rule.limit = number;
  return rule;
}

Comparison compare_results(const RunResult& base, const RunResult& now,
                           const std::vector<CompareRule>& rules) {
  Comparison c;
  std::set<std::pair<std::string, std::string>> keys;  // (name, method): Locust's order
  for (const auto& [key, s] : base.totals.rows) keys.insert({key.name, key.method});
  for (const auto& [key, s] : now.totals.rows) keys.insert({key.name, key.method});
  for (const auto& [name, method] : keys) c.rows.push_back(compare_row(base, now, method, name));
  c.rows.push_back(compare_row(base, now, "", ""));
  for (const auto& rule : rules) c.rules.push_back(judge_rule(rule, base, now));
  return c;
}

void print_comparison(std::FILE* out, const Comparison& c, const std::string& base_name,
                      const std::string& new_name) {
  std::fprintf(out, "Comparing %s (base) -> %s (new)\n\n", base_name.c_str(), new_name.c_str());
  std::size_t width = 24;
  for (const auto& r : c.rows) width = std::max(width, r.name.size() + 2);
  int w = static_cast<int>(std::min<std::size_t>(width, 60));
  std::fprintf(out, "%-8s %-*s %-28s %-28s %-24s %-24s %s\n", "Type", w, "Name", "req/s",
               "fail ratio", "p50 (ms)", "p95 (ms)", "p99 (ms)");
  for (const auto& r : c.rows) {
    std::fprintf(out, "%-8s %-*s ", r.method.c_str(), w, r.name.c_str());
    if (!r.in_base || !r.in_new) {
      std::fprintf(out, "(only in %s)\n", r.in_base ? "base" : "new");
      continue;
    }
    std::fprintf(out, "%-28s %-28s %-24s %-24s %s\n", cell(r.rps, false).c_str(),
                 cell(r.fail_ratio, true).c_str(), cell(r.p50, false).c_str(),
                 cell(r.p95, false).c_str(), cell(r.p99, false).c_str());
  }
  std::fprintf(out, "\n");
  if (c.rules.empty()) return;
  std::fprintf(out, "Rules\n");
  for (const auto& v : c.rules) {
    std::fprintf(out, "  %-6s  %-28s  %s\n", v.broken ? "BROKEN" : "ok", v.rule.c_str(),
                 v.detail.c_str());
  }
  std::fprintf(out, "\n");
}

}  // namespace nest::host
