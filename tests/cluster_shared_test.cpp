// The run's shared data in distributed runs, as real processes on loopback against the demo
// target (which refuses a login whose account is in use, and counts logins): the master holds
// the claims, counters and values of every worker's users. Two workers' users never hold the
// same account at once and claim released ones again; the users beyond the rows wait and time
// out, counted; a worker killed while its users hold rows has them released to the other's
// waiting users; counters and compare-and-set loops are exact over both workers.
// (The master's side alone, on a controlled clock: shared_service_test.)
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "accounts.h"
#include "cluster_run.h"
#include "demo_target.h"
#include "scoped_env.h"

namespace nest::test {
namespace {

std::vector<std::string> master_args(int port, const std::string& url, const std::string& dir,
                                     const std::string& plugins, const std::string& users,
                                     const std::string& run_time) {
  return {"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
          "--expect-workers", "2", "-H", url, "--taskset-dir", plugins, "-u", users, "-r",
          "100", "-t", run_time, "--only-summary", "--json", dir + "/run.json"};
}

std::vector<std::string> worker_args(int port, const std::string& plugins) {
  return {"--worker", "--master-port", std::to_string(port), "--taskset-dir", plugins};
}

// The requests of the rows of `method` in a result: name -> requests.
std::map<std::string, std::uint64_t> rows_of(const boost::json::object& result,
                                             const std::string& method) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& r : result.at("rows").as_array()) {
    if (r.at("method").as_string() != method) continue;
    out[std::string(r.at("name").as_string())] += static_cast<std::uint64_t>(r.at("requests").as_int64());
  }
  return out;
}

// 40 accounts, 40 users over two workers, each user leaving now and then (its account goes
// back, another user claims it): the server never sees one account logged in twice.
TEST(ClusterShared, TwoWorkersUsersNeverShareAnAccountAndClaimReleasedOnesAgain) {
  DemoTarget target;
  std::string dir = temp_dir();
  ScopedEnv on{{"NEST_TEST_FEEDER", accounts_csv(dir, 40)}, {"NEST_TEST_LEAVE", "1"},
               {"NEST_TEST_PAUSE_MS", "100"}, {"NEST_TEST_CLAIM_MS", "30000"}};
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/claiming";
  auto master = start_nest_host(master_args(port, target.url(), dir, plugins, "40", "4s"));
  auto workers = start_workers(2, port, plugins);
  ProcessResult m = master.get();
  for (auto& w : workers) EXPECT_EQ(w.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u) << "an account was used by two users at once";
  EXPECT_LE(server.most_in_use, 40u);
  EXPECT_GT(server.total, 80u) << "accounts given back were claimed again, across workers";
  EXPECT_EQ(server.in_use, 0u) << "every user logged out at the end";
  auto result = result_in(dir + "/run.json");
  EXPECT_TRUE(exceptions_in(result).empty()) << boost::json::serialize(result.at("exceptions"));
  EXPECT_EQ(rows_of(result, "POST")["/login"], server.total) << "every login counted";
}

// 50 users, 40 accounts, nobody leaves: 40 log in (on both workers), 10 wait 1 s and are
// counted as claim timeouts, then wait again; the run ends on time.
TEST(ClusterShared, TheUsersBeyondTheRowsOfBothWorkersWaitThenTimeOutCounted) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::string csv = accounts_csv(dir, 40);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_CLAIM_MS", "1000"},
               {"NEST_TEST_PAUSE_MS", "300"}};
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/claiming";
  auto master = start_nest_host(master_args(port, target.url(), dir, plugins, "50", "5s"));
  auto workers = start_workers(2, port, plugins);
  ProcessResult m = master.get();
  for (auto& w : workers) w.get();
  EXPECT_EQ(m.exit_code, 1) << "exceptions make the exit code 1\n" << m.err;
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u);
  EXPECT_EQ(server.most_in_use, 40u) << "every account was in use at once";
  EXPECT_EQ(server.total, 40u) << "nobody left, so nobody else logged in";
  auto thrown = exceptions_in(result_in(dir + "/run.json"));
  ASSERT_EQ(thrown.size(), 1u);
  EXPECT_EQ(thrown.begin()->first, csv + ": all 40 rows are claimed; none came free within 1 s");
  // Each of the 10 waits 1 s and backs off 1 s: 1 to 3 timeouts each in 5 s.
  EXPECT_GE(thrown.begin()->second, 10u);
  EXPECT_LE(thrown.begin()->second, 30u);
}

// 10 accounts, 10 users on each worker, nobody leaves: the first 10 claims win, on both
// workers. SIGKILL one worker 2 s into the run: once missing, the master releases the rows its users
// held to the other's waiting users, whose logins the server refuses (the dead sessions never
// logged out): exactly as many refusals as rows the master says it released.
TEST(ClusterShared, AKilledWorkersRowsAreReleasedToTheOthersWaitingUsers) {
  DemoTarget target;
  std::string dir = temp_dir();
  ScopedEnv on{{"NEST_TEST_FEEDER", accounts_csv(dir, 10)}, {"NEST_TEST_PAUSE_MS", "100"},
               {"NEST_TEST_CLAIM_MS", "30000"}};
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/claiming";
  auto master = start_nest_host(master_args(port, target.url(), dir, plugins, "20", "12s"));
  auto survivor = start_nest_host(worker_args(port, plugins));
  auto killed = start_nest_host(worker_args(port, plugins), 60, {{2.5, SIGKILL, "Worker "}});
  ProcessResult m = master.get();
  EXPECT_EQ(survivor.get().exit_code, 0);
  EXPECT_EQ(killed.get().exit_code, -1);
  std::smatch released;
  ASSERT_TRUE(std::regex_search(m.err, released,
                                std::regex("the ([0-9]+) feeder row\\(s\\) its users held are released")))
      << m.err;
  std::uint64_t rows = std::stoull(released[1]);
  EXPECT_GE(rows, 1u);
  EXPECT_LE(rows, 10u);
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, rows) << "each released row went to one waiting user of the survivor";
  EXPECT_EQ(server.total, 10u + rows) << "no other login: the first 10 claims, then the released";
  EXPECT_EQ(server.in_use, rows) << "the survivor logged out; the killed worker's sessions stay";
}

// Each task adds 1 to a counter, 1 by a compare-and-set loop on another and 1 by one on a
// value: over two workers, all three equal the tasks done (the master's run hooks read them
// after every worker's last report). The master's --stop-timeout lets the workers' tasks
// finish at the end: a task cut while it waits for the master's answer would have added
// without being counted. next() over a list of 7: each worker goes through all 7 in turn, so
// the colours' counts differ by at most 2.
TEST(ClusterShared, CountersAndCompareAndSetAreExactOverTwoWorkers) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/sharing";
  auto args = master_args(port, target.url(), dir, plugins, "10", "3s");
  args.insert(args.end(), {"--stop-timeout", "10s"});  // the plan gives it to the workers
  auto master = start_nest_host(args);
  auto workers = start_workers(2, port, plugins);
  ProcessResult m = master.get();
  for (auto& w : workers) EXPECT_EQ(w.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  auto result = result_in(dir + "/run.json");
  std::uint64_t tasks = rows_of(result, "shared")["add"];
  ASSERT_GT(tasks, 200u);
  auto final = rows_of(result, "final");
  EXPECT_EQ(final, (std::map<std::string, std::uint64_t>{{"adds=" + std::to_string(tasks), 1},
                                                         {"cas=" + std::to_string(tasks), 1},
                                                         {"text=" + std::to_string(tasks), 1}}));
  auto colours = rows_of(result, "next");
  ASSERT_EQ(colours.size(), 7u);
  std::uint64_t least = UINT64_MAX, most = 0, handed = 0;
  for (const auto& [colour, n] : colours) {
    least = std::min(least, n);
    most = std::max(most, n);
    handed += n;
  }
  EXPECT_EQ(handed, tasks);
  EXPECT_LE(most - least, 2u);
  EXPECT_TRUE(exceptions_in(result).empty());
}

// The master frozen (SIGSTOP) for 1.5 s while 1,200 users call it: each user's call queues up
// (over a thousand, more than the master reads in one turn of its loop); once it thaws, every
// one is answered (none waits out its 10 s). The master's --stop-timeout, which its plan gives
// the workers (they are given none), lets every task begun finish: the counter on_test_stop
// reads equals the tasks counted. (The tasks make one call each: a compare-and-set loop of
// 1,200 users lets one through per round, and under ASan outlasted any stop timeout.)
TEST(ClusterShared, AMasterThawedAnswersEveryCallThatQueuedMeanwhile) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/adding";
  auto args = master_args(port, target.url(), dir, plugins, "1200", "6s");
  args[args.size() - 6] = "2000";  // -r: every user at once
  args.insert(args.end(), {"--stop-timeout", "30s"});
  auto master = start_nest_host(args, 90,
                                {{2.0, SIGSTOP, "Worker 2 of 2 joined"},
                                 {3.5, SIGCONT, "Worker 2 of 2 joined"}});
  std::vector<std::future<ProcessResult>> workers;
  for (int i = 0; i < 2; ++i) workers.push_back(start_nest_host(worker_args(port, plugins), 90));
  ProcessResult m = master.get();
  for (auto& w : workers) EXPECT_EQ(w.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  auto result = result_in(dir + "/run.json");
  EXPECT_TRUE(exceptions_in(result).empty()) << boost::json::serialize(result.at("exceptions"));
  std::uint64_t tasks = rows_of(result, "shared")["add"];
  ASSERT_GT(tasks, 1200u);
  EXPECT_EQ(rows_of(result, "final"),
            (std::map<std::string, std::uint64_t>{{"adds=" + std::to_string(tasks), 1}}))
      << "a task cut at the end leaves the counter ahead";
}

}  // namespace
}  // namespace nest::test
