#include "report/thresholds.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "util/duration.h"
#include "util/text.h"

namespace nest::host {
namespace {

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
    if (auto at = rest.rfind(" for ");
        at != std::string_view::npos && at > rest.find_first_of("<>")) {
      std::string grace = trim(rest.substr(at + 5));
      auto parsed = parse_duration(grace);
      if (!parsed) fail("'" + grace + "' after 'for' is not a duration (e.g. 30s, 2m)");
      t.grace = *parsed;
      rest = rest.substr(0, at);
    }
    std::size_t op_at = rest.find_first_of("<>");
    if (op_at == std::string_view::npos) fail("no comparison: write e.g. p95<300ms or rps>100");
    try {
      t.what = parse_metric_ref(rest.substr(0, op_at));
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    rest = rest.substr(op_at);
    bool equal = rest.size() > 1 && rest[1] == '=';
    t.op = rest[0] == '<' ? (equal ? Threshold::Op::kLessEqual : Threshold::Op::kLess)
                          : (equal ? Threshold::Op::kGreaterEqual : Threshold::Op::kGreater);
    parse_value(t, trim(rest.substr(equal ? 2 : 1)));
    return t;
  }

 private:
  void parse_value(Threshold& t, const std::string& v) {
    double number = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
    if (ec != std::errc() || !std::isfinite(number) || number < 0) {
      fail("expected a number, 0 or more, after the comparison" +
           (v.empty() ? std::string() : ", not '" + v + "'"));
    }
    std::string unit = trim(std::string_view(end, v.data() + v.size() - end));
    using M = MetricRef::Metric;
    if (t.what.is_time()) {
      double scale = unit == "us"                   ? 0.001
                     : unit == "ms" || unit.empty() ? 1.0
                     : unit == "s"                  ? 1000.0
                     : unit == "m"                  ? 60'000.0
                                                    : -1;
      if (scale < 0) fail("'" + unit + "' is not a time unit: use us, ms, s or m");
      t.limit = number * scale;
    } else if (t.what.metric == M::kFailRatio) {
      if (unit == "%")
        t.limit = number / 100;
      else if (unit.empty() && number <= 1)
        t.limit = number;
      else
        fail("a failure ratio is a percentage (1%) or a ratio from 0 to 1 (0.01)");
    } else if (t.what.metric == M::kRps) {
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

}  // namespace

Threshold parse_threshold(const std::string& text, const std::string& source) {
  return Parser(text, source).parse();
}

ThresholdVerdict evaluate(const Threshold& t, const StatsView& stats) {
  ThresholdVerdict v;
  v.text = t.text;
  v.source = t.source;
  Measurement m = measure(t.what, stats);
  if (!m.value) {
    v.measured = std::nan("");
    v.measured_text = m.no_data;
    return v;
  }
  v.measured = *m.value;
  bool pass = false;
  switch (t.op) {
    case Threshold::Op::kLess:
      pass = v.measured < t.limit;
      break;
    case Threshold::Op::kLessEqual:
      pass = v.measured <= t.limit;
      break;
    case Threshold::Op::kGreater:
      pass = v.measured > t.limit;
      break;
    case Threshold::Op::kGreaterEqual:
      pass = v.measured >= t.limit;
      break;
  }
  v.outcome = pass ? ThresholdVerdict::Outcome::kPass : ThresholdVerdict::Outcome::kFail;
  v.measured_text = measurement_text(t.what, v.measured);
  return v;
}

std::vector<ThresholdVerdict> judge(const std::vector<Threshold>& thresholds,
                                    const RunResult& result) {
  std::vector<ThresholdVerdict> out;
  StatsView whole{result.totals.rows, result.total, result.info.measured_s()};
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
