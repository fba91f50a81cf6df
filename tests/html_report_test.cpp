// The HTML reports opened in headless Chromium (tests/html/check_report.mjs): every chart drew,
// no console error, nothing fetched, and the page says what the run measured.
#include <gtest/gtest.h>

#include "browser_check.h"
#include "demo_target.h"
#include "process.h"
#include "report/result_json.h"
#include "stats/aggregator.h"

namespace nest::test {
namespace {

TEST(HtmlReport, RunReportDrawsEveryChartOffline) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run =
      nest_run({"--taskset-dir", NEST_EXAMPLE_PLUGINS, "-H", target.url(), "-u", "10", "-r", "10",
                "-t", "4s", "--only-summary", "--json", dir + "/run.json", "--html",
                dir + "/run.html", "--threshold", "p95<10s", "--threshold", "GET /nowhere:p99<1s"});
  ASSERT_EQ(run.exit_code, 3) << run.out << run.err;
  auto check = check_in_chromium(
      dir + "/run.html", 4,
      {"FAILED: 1 of 2 thresholds broken", "Requests per second", "Response time distribution",
       "Response time percentiles (ms)", "no request named 'GET /nowhere' was made",
       "WindowShopper", "Aggregated", target.url()});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;

  // The same result, saved and rendered again, is the same page to the byte.
  auto again = nest_host({"report", dir + "/run.json", "--html", dir + "/again.html"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(read_file(dir + "/again.html") == read_file(dir + "/run.html"))
      << "diff " << dir << "/again.html " << dir << "/run.html";
}

TEST(HtmlReport, AnOpenModelRunShowsArrivalsAndStartLag) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/visit", "-H", target.url(), "--rate-stages",
                "2s:20/s, 2s:20/s", "--only-summary", "--html", dir + "/open.html"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // Requests, latency, sessions running, arrivals, start lag, distribution.
  auto check = check_in_chromium(
      dir + "/open.html", 6,
      {"open model: sessions arriving by stages 2s:20/s, 2s:20/s", "Arrivals per second",
       "Start lag p99", "sessions started", "Load plan", "stage 2/2: 20 to 20/s in 2 s"});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

TEST(HtmlReport, CompareOverlaysBothRuns) {
  DemoTarget target;
  std::string dir = temp_dir();
  for (const char* name : {"base", "new"}) {
    auto run =
        nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", target.url(), "-u", "2",
                  "-r", "10", "-t", "3s", "--only-summary", "--json", dir + "/" + name + ".json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  auto compare = nest_host({"compare", dir + "/base.json", dir + "/new.json", "--html",
                            dir + "/compare.html", "--fail-on", "GET /nowhere:p95>+10%"});
  EXPECT_EQ(compare.exit_code, 3) << compare.out << compare.err;
  auto check = check_in_chromium(dir + "/compare.html", 4,
                                 {"FAILED: 1 of 1 rules broken", "GET /nowhere:p95>+10%",
                                  "Over time, base and new overlaid", "/items"});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

TEST(HtmlReport, NamesCannotBreakOutOfThePage) {
  host::RunResult r;
  r.info.elapsed_s = 2;
  r.info.host = "http://x/<b>";
  host::RowStats s;
  s.requests = 1;
  s.total_us = 1000;
  s.times.record(1000);
  const std::string hostile = "/</script><script>document.body.dataset.rendered='owned'</script>";
  // "<!--" inside a script element makes a later "<script" nest: the page went blank.
  const std::string commented = "/<!--<script>";
  r.totals.rows[{"GET", hostile}] = s;
  r.totals.rows[{"GET", commented}] = s;
  r.total = host::merge_rows(r.totals);
  host::SampleSet second;
  second.rows[{"GET", hostile}] = s;
  second.rows[{"GET", commented}] = s;
  second.users = 1;
  r.timeline.add(second, 1.0, 2);
  r.timeline.add(second, 2.0, 2);
  std::string dir = temp_dir();
  host::write_result_file(dir + "/hostile.json", r);
  auto report = nest_host({"report", dir + "/hostile.json", "--html", dir + "/hostile.html"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto check = check_in_chromium(dir + "/hostile.html", 4, {hostile, commented, "http://x/<b>"});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

}  // namespace
}  // namespace nest::test
