// Feeders end to end: nest-host with hundreds of users claiming accounts from a CSV file
// against the demo target, which refuses a login whose account is in use and keeps its own
// count of logins; bad CSV files; the accounts example as the docs run it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <fstream>

#include "accounts.h"
#include "demo_target.h"
#include "process.h"
#include "scoped_env.h"

namespace nest::test {
namespace {

namespace json = boost::json;

// A result file's exceptions: message -> occurrences.
std::map<std::string, std::uint64_t> exceptions(const std::string& result_file) {
  return exceptions_in(json::parse(read_file(result_file)).as_object());
}

TEST(SharedData, FiveHundredUsersNeverShareAnAccountAndClaimReleasedOnesAgain) {
  DemoTarget target;
  std::string dir = temp_dir();
  ScopedEnv on{{"NEST_TEST_FEEDER", accounts_csv(dir, 500)}, {"NEST_TEST_LEAVE", "1"},
         {"NEST_TEST_PAUSE_MS", "300"}, {"NEST_TEST_CLAIM_MS", "30000"}};
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/claiming", "-u",
                       "500", "-r", "500", "-t", "4s", "--threads", "2", "--only-summary",
                       "--json", dir + "/run.json"},
                      120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u) << "an account was used by two users at once";
  EXPECT_LE(server.most_in_use, 500u);
  EXPECT_GT(server.total, 600u) << "accounts given back after interrupt() were claimed again";
  EXPECT_EQ(server.in_use, 0u);
  EXPECT_TRUE(exceptions(dir + "/run.json").empty());
}

// 600 users, 500 accounts, nobody leaves: 500 log in, 100 wait 1 s and are counted as claim
// timeouts, back off, wait again; the run ends on time.
TEST(SharedData, TheUsersBeyondTheRowsWaitThenTimeOutCountedNotHung) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::string csv = accounts_csv(dir, 500);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_CLAIM_MS", "1000"}, {"NEST_TEST_PAUSE_MS", "300"}};
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/claiming", "-u",
                       "600", "-r", "600", "-t", "5s", "--threads", "2", "--only-summary",
                       "--json", dir + "/run.json"},
                      120);
  EXPECT_EQ(run.exit_code, 1) << "exceptions make the exit code 1\n" << run.err;
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u);
  EXPECT_EQ(server.most_in_use, 500u) << "every account was in use at once";
  EXPECT_EQ(server.total, 500u) << "nobody left, so nobody else logged in";
  auto thrown = exceptions(dir + "/run.json");
  ASSERT_EQ(thrown.size(), 1u);
  EXPECT_EQ(thrown.begin()->first, csv + ": all 500 rows are claimed; none came free within 1 s");
  // Each of the 100 waits 1 s, backs off 1 s: at least 2 timeouts each in 5 s.
  EXPECT_GE(thrown.begin()->second, 200u);
  EXPECT_LE(thrown.begin()->second, 300u);
}

TEST(SharedData, ABadCsvFileIsNamedWithItsLineAndItsTasksetLeftOut) {
  std::string dir = temp_dir();
  ScopedEnv on{{"NEST_TEST_FEEDER",
          write_file(dir + "/broken.csv", "username,password\nann,1\nbob,2,extra\n")}};
  auto run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/claiming",
                       "-u", "1", "-t", "1s"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find(dir + "/broken.csv:3: 3 values, but the header names 2 fields"),
            std::string::npos)
      << run.err;
  write_file(dir + "/open.csv", "username,password\nann,\"never closed\n");
  setenv("NEST_TEST_FEEDER", (dir + "/open.csv").c_str(), 1);
  run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/claiming", "--list"});
  EXPECT_NE(run.err.find(dir + "/open.csv:2: a quoted field is not closed by the end of the file"),
            std::string::npos)
      << run.err;
  setenv("NEST_TEST_FEEDER", (dir + "/missing.csv").c_str(), 1);
  run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/claiming", "--list"});
  EXPECT_NE(run.err.find(dir + "/missing.csv: cannot open it: No such file or directory"),
            std::string::npos)
      << run.err;
}

// The example of docs/shared-data.md, from the source folder (it reads config/accounts.csv):
// more users than accounts, and still no account used twice at once.
TEST(SharedData, TheAccountsExampleRunsAsTheDocsSay) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = run_process({NEST_BIN_DIR "/nest-host", "--yes", "-H", target.url(), "--taskset-dir",
                          NEST_ACCOUNTS_EXAMPLE, "-u", "550", "-r", "550", "-t", "5s",
                          "--only-summary", "--json", dir + "/run.json"},
                         120, {}, NEST_SOURCE_DIR);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u);
  EXPECT_LE(server.most_in_use, 500u);
  EXPECT_GT(server.total, 550u) << "accounts given back were claimed again";
  EXPECT_EQ(server.in_use, 0u) << "all logged out at the end";
  EXPECT_TRUE(exceptions(dir + "/run.json").empty());
}

}  // namespace
}  // namespace nest::test
