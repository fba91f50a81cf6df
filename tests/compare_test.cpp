// nest-host compare on two crafted results whose changes are known exactly.
#include <gtest/gtest.h>

#include "process.h"
#include "report/compare.h"
#include "report/result_json.h"
#include "stats/aggregator.h"

namespace nest::test {
namespace {

using host::RunResult;

void add_row(RunResult& r, const std::string& method, const std::string& name,
             std::uint64_t requests, std::uint64_t failures, std::uint64_t micros) {
  host::RowStats& s = r.totals.rows[{method, name}];
  for (std::uint64_t i = 0; i < requests; ++i) s.times.record(micros);
  s.requests = requests;
  s.failures = failures;
  s.total_us = requests * micros;
  if (failures) r.totals.failures[{method, name, "HTTP 500"}] = failures;
}

// BASE: GET /a 100 req (1 failed) at 10 ms; POST /b 50 req at 100 ms; 10 s.
// NEW:  GET /a 90 req (3 failed) at 12 ms;  GET /c 10 req at 1 ms; 10 s.
RunResult base_run() {
  RunResult r;
  r.info.elapsed_s = 10;
  add_row(r, "GET", "/a", 100, 1, 10'000);
  add_row(r, "POST", "/b", 50, 0, 100'000);
  r.total = host::merge_rows(r.totals);
  return r;
}
RunResult new_run() {
  RunResult r;
  r.info.elapsed_s = 10;
  add_row(r, "GET", "/a", 90, 3, 12'000);
  add_row(r, "GET", "/c", 10, 0, 1'000);
  r.total = host::merge_rows(r.totals);
  return r;
}

std::vector<host::CompareRule> rules(const std::vector<std::string>& texts) {
  std::vector<host::CompareRule> out;
  for (const auto& t : texts) out.push_back(host::parse_compare_rule(t));
  return out;
}

TEST(Compare, RowsShowTheKnownChanges) {
  auto c = host::compare_results(base_run(), new_run(), {});
  ASSERT_EQ(c.rows.size(), 4u);  // /a, /b, /c, Aggregated
  const auto& a = c.rows[0];
  EXPECT_EQ(a.name, "/a");
  EXPECT_TRUE(a.in_base && a.in_new);
  EXPECT_DOUBLE_EQ(*a.rps.base, 10);
  EXPECT_DOUBLE_EQ(*a.rps.now, 9);
  EXPECT_NEAR(*a.rps.percent(), -10, 1e-9);
  EXPECT_DOUBLE_EQ(*a.fail_ratio.base, 0.01);
  EXPECT_NEAR(*a.fail_ratio.now, 3.0 / 90, 1e-12);
  EXPECT_DOUBLE_EQ(*a.p50.base, 10);
  EXPECT_DOUBLE_EQ(*a.p95.now, 12);
  EXPECT_NEAR(*a.p99.percent(), 20, 1e-9);
  EXPECT_EQ(c.rows[1].name, "/b");
  EXPECT_TRUE(c.rows[1].in_base);
  EXPECT_FALSE(c.rows[1].in_new);
  EXPECT_FALSE(c.rows[1].rps.now) << "no figure for a row the run did not have";
  EXPECT_FALSE(c.rows[2].in_base);
  const auto& all = c.rows[3];
  EXPECT_EQ(all.name, "Aggregated");
  EXPECT_DOUBLE_EQ(*all.rps.base, 15);
  EXPECT_DOUBLE_EQ(*all.rps.now, 10);
  EXPECT_NEAR(*all.rps.percent(), -100.0 / 3, 1e-9);
}

TEST(Compare, RulesBreakExactlyAtTheirLimits) {
  auto c = host::compare_results(
      base_run(), new_run(),
      rules({"GET /a:p95>+10%", "GET /a:p95>+20%", "GET /a:p95>=+20%", "GET /a:rps<-5%",
             "GET /a:rps<-10%", "GET /a:fail_ratio>+2pp", "GET /a:fail_ratio>+2.5pp",
             "GET /a:p50>+1.5ms", "GET /a:p50>+2ms", "rps<-30%", "POST /b:p99>+10%",
             "/c:requests<-1"}));
  std::vector<bool> broken;
  for (const auto& v : c.rules) broken.push_back(v.broken);
  EXPECT_EQ(broken, (std::vector<bool>{true, false, true, true, false, true, false, true, false,
                                       true, true, true}));
  EXPECT_EQ(c.rules[0].detail, "10 ms -> 12 ms (+20.0%)");
  EXPECT_EQ(c.rules[5].detail, "1.00% -> 3.33% (+2.33pp)");
  EXPECT_EQ(c.rules[10].detail, "NEW: no request named 'POST /b' was made")
      << "a row missing from a run breaks the rule, never passes it";
  EXPECT_EQ(c.rules[11].detail, "BASE: no request named '/c' was made");
}

TEST(Compare, RuleParseErrors) {
  auto error = [](const std::string& text) {
    try {
      host::parse_compare_rule(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(error("p95"), "--fail-on 'p95': no comparison: write e.g. p95>+10%, rps<-5% or fail_ratio>+0.5pp");
  EXPECT_EQ(error("p95>+lots"),
            "--fail-on 'p95>+lots': expected a change after the comparison, e.g. +10%, -5%, "
            "+0.5pp or +20ms");
  EXPECT_EQ(error("p95>+1pp"),
            "--fail-on 'p95>+1pp': percentage points (pp) are for fail_ratio; use % for a "
            "relative change");
  EXPECT_EQ(error("fail_ratio>+1"),
            "--fail-on 'fail_ratio>+1': a fail_ratio change is in pp (percentage points) or % "
            "(relative)");
  EXPECT_EQ(error("p95>+3h"), "--fail-on 'p95>+3h': a time change needs %, us, ms or s, not 'h'");
  EXPECT_EQ(error("latency>+1%"),
            "--fail-on 'latency>+1%': unknown metric 'latency'; metrics: avg, min, max, med, pNN, "
            "rps, fail_ratio, failures, requests");
  EXPECT_DOUBLE_EQ(host::parse_compare_rule("p95>+1.5s").limit, 1500);
  EXPECT_DOUBLE_EQ(host::parse_compare_rule("rps<-5%").limit, -5);
}

TEST(Compare, CommandExitsWith3ListingEachBrokenRule) {
  std::string dir = temp_dir();
  host::write_result_file(dir + "/base.json", base_run());
  host::write_result_file(dir + "/new.json", new_run());
  auto r = nest_host({"compare", dir + "/base.json", dir + "/new.json", "--fail-on", "GET /a:p95>+10%",
                      "--fail-on", "fail_ratio>+0.5pp", "--fail-on", "rps<-50%"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("BROKEN  GET /a:p95>+10%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BROKEN  fail_ratio>+0.5pp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok      rps<-50%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(only in base)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.00 -> 12.00 (+20.0%)"), std::string::npos) << r.out;

  auto fine = nest_host({"compare", dir + "/base.json", dir + "/new.json", "--fail-on", "rps<-50%"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  auto bad_rule = nest_host({"compare", dir + "/base.json", dir + "/new.json", "--fail-on", "p95"});
  EXPECT_EQ(bad_rule.exit_code, 2);
  EXPECT_NE(bad_rule.err.find("--fail-on 'p95': no comparison"), std::string::npos) << bad_rule.err;
  auto missing = nest_host({"compare", dir + "/base.json", dir + "/nope.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir + "/nope.json: cannot be read"), std::string::npos) << missing.err;
  auto one = nest_host({"compare", dir + "/base.json"});
  EXPECT_EQ(one.exit_code, 2);
}

}  // namespace
}  // namespace nest::test
