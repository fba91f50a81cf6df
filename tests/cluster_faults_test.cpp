// Distributed runs when things go wrong, as real processes on loopback against the demo target
// (each request names its worker's pid, in the results and in the server's log): a worker
// killed mid-run is missing and its users move to the others; a worker frozen (SIGSTOP) past
// the heartbeat limit and thawed comes back without double counting or running its old share on
// top of its new one; a master killed leaves every worker to stop and write its own results.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>

#include "browser_check.h"
#include "cluster_run.h"
#include "demo_target.h"
#include "scoped_env.h"

namespace nest::test {
namespace {

std::vector<std::string> master_args(int port, const std::string& url, const std::string& dir,
                                     const std::string& run_time) {
  return {"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
          "--expect-workers", "2", "-H", url, "--taskset-dir", NEST_TEST_PLUGINS "/by_worker",
          "-u", "4", "-r", "40", "-t", run_time, "--only-summary", "--json", dir + "/run.json"};
}

std::vector<std::string> worker_args(int port) {
  return {"--worker", "--master-port", std::to_string(port), "--taskset-dir",
          NEST_TEST_PLUGINS "/by_worker"};
}

// The events of each worker in a result, by name.
std::vector<std::vector<std::string>> events_of(const boost::json::object& result) {
  std::vector<std::vector<std::string>> out;
  for (const auto& w : result.at("workers").as_array()) {
    auto& events = out.emplace_back();
    for (const auto& e : w.at("events").as_array()) events.emplace_back(e.at("event").as_string());
  }
  return out;
}

// SIGKILL one of two workers 1.5 s into a 12 s run (2 s after its plan): the master says it is missing, moves its
// users to the survivor and ends on time; the survivor's requests are all counted, the dead
// one's up to its last report (those after it are, honestly, not: the server's log shows them).
TEST(ClusterFaults, AWorkerKilledMidRunIsMissingAndItsUsersMoveToTheOthers) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  int port = closed_port();
  auto args = master_args(port, target.url(), dir, "12s");
  args.insert(args.end(), {"--html", dir + "/run.html"});
  auto master = start_nest_host(args);
  auto survivor = start_nest_host(worker_args(port));
  auto killed = start_nest_host(worker_args(port), 60, {{2.0, SIGKILL, "Worker "}});  // its plan
  ProcessResult m = master.get();
  EXPECT_EQ(survivor.get().exit_code, 0);
  EXPECT_EQ(killed.get().exit_code, -1);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("is missing: nothing from it for 5 s; what it reported so far is kept; "
                       "its share (2 users at 20.00/s) moves to the others"),
            std::string::npos)
      << m.err;
  EXPECT_NE(m.err.find("sent no final report"), std::string::npos) << m.err;
  auto result = result_in(dir + "/run.json");
  auto missing = marks_with(result, " missing");
  ASSERT_EQ(missing.size(), 1u);
  auto users = users_between(result, missing[0] + 1.5, 11);
  ASSERT_FALSE(users.empty());
  for (auto u : users) EXPECT_EQ(u, 4u) << "the survivor runs all 4";
  auto events = events_of(result);
  std::sort(events.begin(), events.end());  // in join order: either may have joined first
  EXPECT_EQ(events, (std::vector<std::vector<std::string>>{{}, {"missing"}}))
      << boost::json::serialize(result.at("workers"));
  auto counted = rows_by_worker(dir + "/run.json");
  auto served = log_by_worker(dir + "/access.log");
  ASSERT_EQ(counted.size(), 2u);
  ASSERT_EQ(served.size(), 2u);
  int equal = 0;
  for (const auto& [pid, n] : counted) {
    EXPECT_LE(n, served[pid]);
    equal += n == served[pid];
    EXPECT_GT(n, 0u);
  }
  EXPECT_EQ(equal, 1) << "the survivor's count is the server's; the killed one's is short of it";
  // The report says it too: which worker, when, and that its last requests are not counted.
  auto check = check_in_chromium(
      dir + "/run.html", 4,
      {"Workers", "1 of 2 workers sent no final report: their requests after their last report "
                  "are not counted.", "missing at 0:"});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

// The open model's --max-users moves with the shares: 20 arrivals/s of 12 s sessions over two
// workers, at most 6 at once (3 each: every worker is at its cap from the first second, and
// stays there until 12 s: no session ends to make room before). SIGKILL
// one 1.5 s into the run: once it is missing, the survivor runs 20/s and up to all 6, not its old 3.
TEST(ClusterFaults, AMissingWorkersShareOfMaxUsersMovesWithItsRate) {
  std::string dir = temp_dir();
  DemoTarget target;
  ScopedEnv on{{"NEST_TEST_VISIT_S", "12"}};
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/long_visit";
  auto master = start_nest_host(
      {"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
       "--expect-workers", "2", "-H", target.url(), "--taskset-dir", plugins, "--arrival-rate",
       "20", "--max-users", "6", "-t", "13s", "--only-summary", "--json", dir + "/run.json"});
  std::vector<std::string> worker{"--worker", "--master-port", std::to_string(port),
                                  "--taskset-dir", plugins};
  auto survivor = start_nest_host(worker);
  auto killed = start_nest_host(worker, 60, {{2.0, SIGKILL, "Worker "}});
  ProcessResult m = master.get();
  EXPECT_EQ(survivor.get().exit_code, 0);
  EXPECT_EQ(killed.get().exit_code, -1);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("its share (10.00 arrivals/s) moves to the others"), std::string::npos)
      << m.err;
  auto result = result_in(dir + "/run.json");
  auto missing = marks_with(result, " missing");
  ASSERT_EQ(missing.size(), 1u);
  auto before = users_between(result, 1, missing[0] - 0.5);
  ASSERT_FALSE(before.empty());
  for (auto u : before) EXPECT_LE(u, 6u) << "3 on each worker at most";
  auto after = users_between(result, missing[0] + 1.5, 11);
  ASSERT_FALSE(after.empty());
  for (auto u : after) EXPECT_EQ(u, 6u) << "the survivor's cap is all 6 now";
}

// SIGSTOP a worker 1 s into a 14 s run, SIGCONT it at 8 s (from its plan, not its start): missing (its users run on the
// other), then back with a share again (2 and 2: not its old 2 on top of the other's 4); both
// send their final reports, so every request the server saw is counted, once.
TEST(ClusterFaults, AWorkerFrozenPastTheLimitIsMissingThenBackWithoutDoubleCounting) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  int port = closed_port();
  auto master = start_nest_host(master_args(port, target.url(), dir, "14s"));
  auto steady = start_nest_host(worker_args(port));
  auto frozen = start_nest_host(worker_args(port), 60,
                                {{1.5, SIGSTOP, "Worker "}, {8.5, SIGCONT, "Worker "}});
  ProcessResult m = master.get();
  ProcessResult f = frozen.get();
  EXPECT_EQ(steady.get().exit_code, 0);
  EXPECT_EQ(f.exit_code, 0) << "it went on after the thaw, not judging its master gone: " << f.err;
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find(" is missing: nothing from it for 5 s"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find(" is back: it takes a share again"), std::string::npos) << m.err;
  EXPECT_EQ(m.err.find("sent no final report"), std::string::npos) << m.err;
  auto result = result_in(dir + "/run.json");
  auto missing = marks_with(result, " missing"), back = marks_with(result, " back");
  ASSERT_EQ(missing.size(), 1u);
  ASSERT_EQ(back.size(), 1u);
  for (auto u : users_between(result, missing[0] + 1.5, back[0] - 0.5)) {
    EXPECT_EQ(u, 4u) << "the other worker runs all 4 meanwhile";
  }
  auto after = users_between(result, back[0] + 2, 13);
  ASSERT_FALSE(after.empty());
  for (auto u : after) EXPECT_EQ(u, 4u) << "2 and 2 again";
  for (const auto& w : result.at("workers").as_array()) {
    EXPECT_TRUE(w.at("final_report").as_bool()) << boost::json::serialize(w);
  }
  auto counted = rows_by_worker(dir + "/run.json");
  auto served = log_by_worker(dir + "/access.log");
  ASSERT_EQ(counted.size(), 2u);
  EXPECT_EQ(counted, served) << "each worker's requests counted once, none lost";
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));
}

// SIGKILL the master: every worker hears no heartbeat, stops its run, prints its own count,
// writes its own result file and exits 1, long before its own run time (60 s).
TEST(ClusterFaults, WorkersStopAndWriteTheirOwnResultsWhenTheMasterIsGone) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start_nest_host({"--yes", "--master", "--bind",
                                 "tcp://127.0.0.1:" + std::to_string(port), "--expect-workers",
                                 "2", "-H", target.url(), "--taskset-dir",
                                 NEST_TEST_PLUGINS "/counting", "-u", "2", "-r", "20", "-t",
                                 "60s", "--only-summary"},
                                60, {{2.5, SIGKILL, "Worker 2 of 2 joined"}});
  std::vector<std::future<ProcessResult>> joined;
  for (int i = 0; i < 2; ++i) {
    joined.push_back(start_nest_host({"--worker", "--master-port", std::to_string(port),
                                      "--taskset-dir", NEST_TEST_PLUGINS "/counting", "--json",
                                      dir + "/worker" + std::to_string(i) + ".json"},
                                     30));
  }
  EXPECT_EQ(master.get().exit_code, -1);
  std::uint64_t written = 0;
  for (int i = 0; i < 2; ++i) {
    ProcessResult w = joined[i].get();
    EXPECT_EQ(w.exit_code, 1) << "stopped by itself, not killed at the test's 30 s: " << w.err;
    EXPECT_NE(w.err.find("has been silent for 5 s: stopping this worker's run"),
              std::string::npos)
        << w.err;
    EXPECT_NE(w.out.find(" requests, 0 failed, in "), std::string::npos) << w.out;
    std::string file = dir + "/worker" + std::to_string(i) + ".json";
    ASSERT_TRUE(std::filesystem::exists(file)) << w.out;
    auto result = result_in(file);
    EXPECT_EQ(result.at("run").at("aborted_by").as_string(), "the master went silent");
    EXPECT_GT(requests_in(file), 0u);
    written += requests_in(file);
  }
  EXPECT_EQ(written, target.count("")) << "between them, every request the server answered";
}

}  // namespace
}  // namespace nest::test
