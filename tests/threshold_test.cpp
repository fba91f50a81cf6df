// Thresholds: the grammar (every metric, operator and unit), clear errors, and verdicts on
// statistics with known values.
#include <gtest/gtest.h>

#include "report/thresholds.h"

namespace nest::test {
namespace {

using host::parse_threshold;
using host::Threshold;
using Outcome = host::ThresholdVerdict::Outcome;

std::string parse_error(const std::string& text) {
  try {
    parse_threshold(text, "--threshold");
  } catch (const host::ThresholdError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Threshold, ParsesMetricsOperatorsAndUnits) {
  Threshold t = parse_threshold("p95<300ms", "--threshold");
  EXPECT_EQ(t.what.metric, host::MetricRef::Metric::kPercentile);
  EXPECT_DOUBLE_EQ(t.what.fraction, 0.95);
  EXPECT_EQ(t.op, Threshold::Op::kLess);
  EXPECT_DOUBLE_EQ(t.limit, 300);
  EXPECT_FALSE(t.what.name);
  EXPECT_EQ(t.grace, std::chrono::seconds(10));

  EXPECT_DOUBLE_EQ(parse_threshold("p99.9 <= 1.5s", "x").limit, 1500);
  EXPECT_DOUBLE_EQ(parse_threshold("p99.9 <= 1.5s", "x").what.fraction, 0.999);
  EXPECT_EQ(parse_threshold("p99.9 <= 1.5s", "x").op, Threshold::Op::kLessEqual);
  EXPECT_DOUBLE_EQ(parse_threshold("avg<250us", "x").limit, 0.25);
  EXPECT_DOUBLE_EQ(parse_threshold("max<2m", "x").limit, 120'000);
  EXPECT_DOUBLE_EQ(parse_threshold("med<40", "x").limit, 40) << "bare times are ms";
  EXPECT_DOUBLE_EQ(parse_threshold("med<40", "x").what.fraction, 0.5);
  EXPECT_EQ(parse_threshold("min>=1ms", "x").op, Threshold::Op::kGreaterEqual);
  EXPECT_DOUBLE_EQ(parse_threshold("fail_ratio<1%", "x").limit, 0.01);
  EXPECT_DOUBLE_EQ(parse_threshold("fail_ratio<0.05", "x").limit, 0.05);
  Threshold rps = parse_threshold("rps>200/s", "x");
  EXPECT_EQ(rps.what.metric, host::MetricRef::Metric::kRps);
  EXPECT_EQ(rps.op, Threshold::Op::kGreater);
  EXPECT_DOUBLE_EQ(rps.limit, 200);
  EXPECT_EQ(parse_threshold("failures<=0", "x").what.metric, host::MetricRef::Metric::kFailures);
  EXPECT_EQ(parse_threshold("requests>=100", "x").what.metric, host::MetricRef::Metric::kRequests);
  EXPECT_EQ(parse_threshold("p95<300ms for 30s", "x").grace, std::chrono::seconds(30));

  Threshold row = parse_threshold("GET /login:p99<1s", "nest.ini:3");
  EXPECT_EQ(row.what.method, "GET");
  EXPECT_EQ(row.what.name, "/login");
  EXPECT_DOUBLE_EQ(row.limit, 1000);
  EXPECT_EQ(row.source, "nest.ini:3");
  Threshold any_method = parse_threshold("/items/[id]:avg<5ms", "x");
  EXPECT_FALSE(any_method.what.method);
  EXPECT_EQ(any_method.what.name, "/items/[id]");
  Threshold url = parse_threshold("GET http://x:8080/a:p50<1s", "x");
  EXPECT_EQ(url.what.name, "http://x:8080/a") << "the last ':' before the metric splits";
}

TEST(Threshold, ParseErrorsSayWhatIsWrong) {
  EXPECT_EQ(parse_error("p95"), "--threshold: 'p95': no comparison: write e.g. p95<300ms or rps>100");
  EXPECT_EQ(parse_error("p59x<3"),
            "--threshold: 'p59x<3': 'p59x' is not a percentile: use p50, p95, p99.9 (up to p100)");
  EXPECT_EQ(parse_error("latency<3"),
            "--threshold: 'latency<3': unknown metric 'latency'; metrics: avg, min, max, med, "
            "pNN, rps, fail_ratio, failures, requests");
  EXPECT_EQ(parse_error("fail_rate<1%"),
            "--threshold: 'fail_rate<1%': unknown metric 'fail_rate' (did you mean "
            "'fail_ratio'?); metrics: avg, min, max, med, pNN, rps, fail_ratio, failures, "
            "requests");
  EXPECT_EQ(parse_error("p95<"), "--threshold: 'p95<': expected a number, 0 or more, after the comparison");
  EXPECT_EQ(parse_error("p95<fast"),
            "--threshold: 'p95<fast': expected a number, 0 or more, after the comparison, not 'fast'");
  EXPECT_EQ(parse_error("p95<3h"), "--threshold: 'p95<3h': 'h' is not a time unit: use us, ms, s or m");
  EXPECT_EQ(parse_error("fail_ratio<5"),
            "--threshold: 'fail_ratio<5': a failure ratio is a percentage (1%) or a ratio from 0 "
            "to 1 (0.01)");
  EXPECT_EQ(parse_error("rps>5ms"), "--threshold: 'rps>5ms': requests per second take no unit but '/s'");
  EXPECT_EQ(parse_error("failures<1.5"), "--threshold: 'failures<1.5': a count is a whole number");
  EXPECT_EQ(parse_error(":p95<1s"),
            "--threshold: ':p95<1s': nothing before ':' (a row is \"GET /path\" or \"/path\")");
  EXPECT_EQ(parse_error("<1s"), "--threshold: '<1s': no metric before the comparison");
  EXPECT_EQ(parse_error("p95<1s for ever"),
            "--threshold: 'p95<1s for ever': 'ever' after 'for' is not a duration (e.g. 30s, 2m)");
}

// Two rows: GET /a, 100 requests at 1..100 ms, 5 failures; POST /a, 100 at 200 ms, none.
struct Fixture {
  std::map<host::RowKey, host::RowStats> rows;
  host::RowStats total;
  Fixture() {
    host::RowStats& get = rows[{"GET", "/a"}];
    for (int i = 1; i <= 100; ++i) {
      get.times.record(static_cast<std::uint64_t>(i) * 1000);
      get.total_us += static_cast<std::uint64_t>(i) * 1000;
    }
    get.requests = 100;
    get.failures = 5;
    host::RowStats& post = rows[{"POST", "/a"}];
    for (int i = 0; i < 100; ++i) post.times.record(200'000);
    post.requests = 100;
    post.total_us = 100 * 200'000;
    for (const auto& [k, s] : rows) total.merge(s);
  }
  host::ThresholdVerdict judge(const std::string& text, double seconds = 10) const {
    return host::evaluate(parse_threshold(text, "t"), {rows, total, seconds});
  }
};

TEST(Threshold, VerdictsOnKnownStatistics) {
  Fixture f;
  auto p50 = f.judge("GET /a:p50<51ms");
  EXPECT_EQ(p50.outcome, Outcome::kPass);
  EXPECT_NEAR(p50.measured, 50, 0.5);
  EXPECT_EQ(f.judge("GET /a:p50<49ms").outcome, Outcome::kFail);
  EXPECT_EQ(f.judge("GET /a:p50>49ms").outcome, Outcome::kPass);
  EXPECT_EQ(f.judge("GET /a:max<=100ms").outcome, Outcome::kPass) << "max is exact";
  EXPECT_EQ(f.judge("GET /a:max<100ms").outcome, Outcome::kFail);
  EXPECT_EQ(f.judge("GET /a:min>=1ms").outcome, Outcome::kPass);
  EXPECT_NEAR(f.judge("GET /a:avg<1s").measured, 50.5, 1e-9);
  EXPECT_NEAR(f.judge("GET /a:fail_ratio<10%").measured, 0.05, 1e-12);
  EXPECT_EQ(f.judge("GET /a:fail_ratio<5%").outcome, Outcome::kFail);
  EXPECT_EQ(f.judge("GET /a:fail_ratio<=5%").outcome, Outcome::kPass);
  EXPECT_EQ(f.judge("GET /a:failures<=5").outcome, Outcome::kPass);
  EXPECT_EQ(f.judge("GET /a:failures<5").outcome, Outcome::kFail);
  // No row: every request. Name only: every method of it.
  EXPECT_NEAR(f.judge("fail_ratio<1%").measured, 0.025, 1e-12);
  EXPECT_EQ(f.judge("requests>=200").outcome, Outcome::kPass);
  EXPECT_NEAR(f.judge("/a:avg<1s").measured, (50.5 + 200) / 2, 1e-9);
  EXPECT_NEAR(f.judge("rps>19", 10).measured, 20, 1e-12);
  EXPECT_EQ(f.judge("rps>19", 10).outcome, Outcome::kPass);
  EXPECT_EQ(f.judge("rps>20", 10).outcome, Outcome::kFail);
  EXPECT_EQ(f.judge("POST /a:p99<199ms").outcome, Outcome::kFail);
  EXPECT_EQ(f.judge("POST /a:p99<199ms").measured_text, "200 ms");
}

TEST(Threshold, ARowThatNeverAppearedIsReportedNotPassed) {
  Fixture f;
  auto v = f.judge("GET /login:p99<1s");
  EXPECT_EQ(v.outcome, Outcome::kNoData);
  EXPECT_EQ(v.measured_text, "no request named 'GET /login' was made");
  EXPECT_EQ(f.judge("DELETE /a:p50<1s").outcome, Outcome::kNoData) << "method must match";
  EXPECT_TRUE(host::any_broken({v}));
  host::RowStats none;
  std::map<host::RowKey, host::RowStats> empty;
  auto p95 = host::evaluate(parse_threshold("p95<1s", "t"), {empty, none, 5});
  EXPECT_EQ(p95.outcome, Outcome::kNoData);
  EXPECT_EQ(p95.measured_text, "no requests");
  EXPECT_EQ(host::evaluate(parse_threshold("rps>1", "t"), {empty, none, 5}).outcome, Outcome::kFail);
}

TEST(Threshold, WatchStopsOnlyAfterTheGracePeriod) {
  Fixture f;
  host::ThresholdWatch watch({parse_threshold("GET /a:p50<10ms for 3s", "t"),
                              parse_threshold("GET /zzz:p50<1ms for 0s", "t")});
  using S = std::chrono::duration<double>;
  host::StatsView view{f.rows, f.total, 10};
  EXPECT_FALSE(watch.check(view, S(10))) << "broken, but only just";
  EXPECT_FALSE(watch.check(view, S(12)));
  auto stop = watch.check(view, S(13));
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->text, "GET /a:p50<10ms for 3s");
  watch.reset();
  EXPECT_FALSE(watch.check(view, S(14))) << "a reset starts the streak again";
}

}  // namespace
}  // namespace nest::test
