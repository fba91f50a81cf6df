// Results as a user meets them from nest-host: thresholds and their exit code, --abort-on-fail,
// the JSON file, the progress line.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "demo_target.h"
#include "process.h"
#include "pty_process.h"
#include "report/result_json.h"

namespace nest::test {
namespace {

const std::string kCounting = NEST_TEST_PLUGINS "/counting";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ResultsCli, BrokenThresholdsExitWith3AndAreListed) {
  DemoTarget target;
  std::string json = temp_dir() + "/run.json";
  auto r = nest_run({"--taskset-dir",
                     kCounting,
                     "-H",
                     target.url(),
                     "-u",
                     "2",
                     "-r",
                     "10",
                     "-t",
                     "2s",
                     "--stop-timeout",
                     "5s",
                     "--only-summary",
                     "--json",
                     json,
                     "--threshold",
                     "p95<10s",
                     "--threshold",
                     "GET /items:max<1us",
                     "--threshold",
                     "GET /nowhere:p50<1s"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "Thresholds\n")) << r.out;
  EXPECT_TRUE(has(r.out, "  pass     p95<10s")) << r.out;
  EXPECT_TRUE(has(r.out, "  FAIL     GET /items:max<1us")) << r.out;
  EXPECT_TRUE(has(r.out, "  NO DATA  GET /nowhere:p50<1s")) << r.out;
  EXPECT_TRUE(has(r.out, "no request named 'GET /nowhere' was made")) << r.out;

  host::RunResult result = host::read_result_file(json);
  ASSERT_EQ(result.thresholds.size(), 3u);
  EXPECT_EQ(result.thresholds[0].outcome, host::ThresholdVerdict::Outcome::kPass);
  EXPECT_EQ(result.thresholds[1].outcome, host::ThresholdVerdict::Outcome::kFail);
  EXPECT_GT(result.thresholds[1].measured, 0.001);
  EXPECT_EQ(result.thresholds[2].outcome, host::ThresholdVerdict::Outcome::kNoData);
  // The file holds the run as the server saw it.
  EXPECT_EQ(result.totals.rows.at({"GET", "/items"}).requests, target.counts()["GET /items"]);
  EXPECT_EQ(result.info.users, 2u);
  EXPECT_EQ(result.info.run_time_s, 2.0);
  EXPECT_GE(result.timeline.t.size(), 2u);
  EXPECT_EQ(result.tasksets.at(0).name, "Counting");

  auto passing = nest_run({"--taskset-dir", kCounting, "-H", target.url(), "-t", "1s",
                           "--only-summary", "--threshold", "fail_ratio<1%"});
  EXPECT_EQ(passing.exit_code, 0) << passing.out;
}

// The weights table and the JSON say which transport each taskset's users get: its own choice
// in code, else --transport.
TEST(ResultsCli, EachTasksetsTransportIsShownAndRecorded) {
  DemoTarget target;
  std::string json = temp_dir() + "/run.json";
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/transports", "-H", target.url(), "-u",
                     "3", "-r", "10", "-t", "1s", "--stop-timeout", "5s", "--only-summary",
                     "--transport", "fast", "--json", json});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, " Transport\n")) << r.out;
  auto line_of = [&](const std::string& name) {
    auto at = r.out.find(name + " ");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_TRUE(line_of("OnCurl").ends_with(" curl (in code)")) << r.out;
  EXPECT_TRUE(line_of("OnFast").ends_with(" fast (in code)")) << r.out;
  EXPECT_TRUE(line_of("OnDefault").ends_with(" fast")) << r.out;

  host::RunResult result = host::read_result_file(json);
  EXPECT_EQ(result.info.transport, "fast");
  std::map<std::string, std::string> transports;
  for (const auto& t : result.tasksets) transports[t.name] = t.transport;
  EXPECT_EQ(transports, (std::map<std::string, std::string>{
                            {"OnCurl", "curl"}, {"OnDefault", "fast"}, {"OnFast", "fast"}}));
}

TEST(ResultsCli, ThresholdsFromTheIniFileNameTheirLine) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::ofstream(dir + "/nest.ini") << "[nest]\nonly-summary = yes\n\n[thresholds]\n"
                                   << "fast = p99<1us\nclean = fail_ratio<1%\n";
  auto r = nest_run(
      {"--taskset-dir", kCounting, "-H", target.url(), "-t", "1s", "--config", dir + "/nest.ini"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "(" + dir + "/nest.ini:5)")) << r.out;
  EXPECT_TRUE(has(r.out, "  pass     fail_ratio<1%")) << r.out;

  std::ofstream(dir + "/nest.ini") << "[thresholds]\nok = p95<1s\nbad = p95<<1s\n";
  auto bad =
      nest_run({"--taskset-dir", kCounting, "-H", target.url(), "--config", dir + "/nest.ini"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, dir + "/nest.ini:3: 'p95<<1s': expected a number")) << bad.err;
  EXPECT_FALSE(has(bad.out, "Final results")) << "a bad threshold stops nest-host before the run";

  std::ofstream(dir + "/nest.ini") << "[nest]\nthreshold = p95<1s\n";
  auto misplaced =
      nest_run({"--taskset-dir", kCounting, "-H", target.url(), "--config", dir + "/nest.ini"});
  EXPECT_EQ(misplaced.exit_code, 2);
  EXPECT_TRUE(has(misplaced.err, dir + "/nest.ini:2: thresholds go in a [thresholds] section"))
      << misplaced.err;

  auto flag = nest_run({"--taskset-dir", kCounting, "-H", target.url(), "--threshold", "p95"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_TRUE(has(flag.err, "--threshold: 'p95': no comparison")) << flag.err;
  auto lone = nest_run({"--taskset-dir", kCounting, "-H", target.url(), "--abort-on-fail"});
  EXPECT_EQ(lone.exit_code, 2);
  EXPECT_TRUE(has(lone.err, "--abort-on-fail needs at least one --threshold")) << lone.err;
}

TEST(ResultsCli, AbortOnFailStopsTheRunAfterTheGracePeriod) {
  DemoTarget target;
  std::string json = temp_dir() + "/aborted.json";
  auto r = nest_run({"--taskset-dir", kCounting, "-H", target.url(), "-u", "2", "-r", "10", "-t",
                     "60s", "--only-summary", "--json", json, "--abort-on-fail", "--threshold",
                     "max<1us for 2s", "--threshold", "fail_ratio<1%"},
                    40);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_LT(r.seconds, 15) << "stopped long before the 60 s run time";
  EXPECT_GT(r.seconds, 2.5) << "not before the 2 s grace period";
  EXPECT_TRUE(has(r.err, "threshold 'max<1us for 2s' is broken")) << r.err;
  EXPECT_TRUE(has(r.err, "stopping the run (--abort-on-fail)")) << r.err;
  EXPECT_TRUE(has(r.out, "Final results")) << "results still come out";
  EXPECT_EQ(target.counts()["POST /logout"], 2u) << "a graceful stop: on_stop ran";
  EXPECT_EQ(host::read_result_file(json).info.aborted_by, "max<1us for 2s");
}

TEST(ResultsCli, ProgressLinesWithoutATerminal) {
  DemoTarget target;
  auto r = nest_run({"--taskset-dir", kCounting, "-H", target.url(), "-u", "2", "-r", "10", "-t",
                     "11s", "--only-summary"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // One plain line every 10 s: "[0:10 / 0:11] 2 users | 1234.5 req/s | 0.00% failed | 0:01 left"
  auto at = r.out.find("[0:10 / 0:11] 2 users | ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::string line = r.out.substr(at, r.out.find('\n', at) - at);
  EXPECT_TRUE(has(line, " req/s | 0.00% failed | 0:01 left")) << line;
  EXPECT_FALSE(has(r.out, "\r")) << "no terminal control in a log";
}

TEST(ResultsCli, ProgressLineIsRedrawnInPlaceOnATerminal) {
  DemoTarget target;
  PtyProcess p({NEST_BIN_DIR "/nest-host", "--yes", "--taskset-dir", kCounting, "-H", target.url(),
                "-u", "4", "-r", "2", "-t", "3s", "--only-summary"});
  // Each second: back to the line's start, clear it, draw it; no newline until it is cleared.
  ASSERT_TRUE(p.expect("\r\033[K[0:01 / 0:03] spawning ")) << p.output();
  ASSERT_TRUE(p.expect("/4 users | ")) << p.output();
  ASSERT_TRUE(p.expect(" left\r\033[K")) << p.output();
  ASSERT_TRUE(p.expect("All users spawned: 4 running")) << p.output();
  ASSERT_TRUE(p.expect("[0:02 / 0:03] 4 users | ")) << p.output();
  ASSERT_TRUE(p.expect("\r\033[K\r\nFinal results")) << "cleared before the results:\n"
                                                     << p.output();
  EXPECT_EQ(p.wait(), 0);
}

}  // namespace
}  // namespace nest::test
