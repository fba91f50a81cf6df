// nest-host with dependencies, end to end: the demo target started as a dependency and run
// against; one that fails stops nest-host before any user; Ctrl-C, during the run and while
// waiting for readiness, still stops every process the dependencies started (the test checks
// their pids); the INI section and the flags, and their mistakes.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <fstream>

#include "demo_target.h"
#include "process.h"

namespace nest::test {
namespace {

namespace json = boost::json;

// Whether process `pid` is gone (a zombie no one reaps counts as gone: it runs nothing).
bool gone(const std::string& pid_file) {
  std::string text = read_file(pid_file);
  if (text.empty()) return false;
  std::ifstream stat("/proc/" + std::to_string(std::stoi(text)) + "/stat");
  std::string pid, name, state;
  if (!(stat >> pid >> name >> state)) return true;
  return state == "Z" || state == "X";
}

std::uint64_t requests_in(const std::string& result_file) {
  auto result = json::parse(read_file(result_file)).as_object();
  return static_cast<std::uint64_t>(result.at("aggregated").as_object().at("requests").as_int64());
}

TEST(DependenciesCli, TheDemoTargetStartedAsADependencyIsRunAgainstThenStopped) {
  std::string dir = temp_dir();
  int port = closed_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  write_file(dir + "/nest.ini",
             "[dependencies]\n"
             "target = echo $$ > " + dir + "/target.pid; exec " NEST_BIN_DIR "/nest-demo-target --port " +
                 std::to_string(port) + " --log " + dir + "/access.log\n"
             "target.ready = " + url + "/\n"
             "seed = echo \"seeding $NEST_HOST in $NEST_RESULTS_DIR\"; echo $$ > " + dir +
                 "/seed.pid; sleep 1000 & echo $! > " + dir + "/sleep.pid; wait\n"
             "seed.ready = log:seeding\n");
  auto run = nest_run({"--config", dir + "/nest.ini", "-H", url, "--taskset-dir",
                       NEST_TEST_PLUGINS "/counting", "-u", "2", "-r", "10", "-t", "2s",
                       "--only-summary", "--json", dir + "/run.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Dependencies, started in this order before the run and stopped after it:"),
            std::string::npos) << run.out;
  auto ready_target = run.out.find("Dependency target: ready after");
  auto ready_seed = run.out.find("Dependency seed: ready after");
  ASSERT_NE(ready_target, std::string::npos) << run.out;
  EXPECT_LT(ready_target, ready_seed) << "in the order given";
  // Every request nest-host counted is in the server's own log, and no more.
  std::string log = read_file(dir + "/access.log");
  std::uint64_t answered = static_cast<std::uint64_t>(std::count(log.begin(), log.end(), '\n'));
  EXPECT_EQ(requests_in(dir + "/run.json"), answered - 1) << "the readiness check's GET / is the one more";
  EXPECT_EQ(read_file(dir + "/dependency-seed.log"),
            "seeding " + url + " in " + dir + "\n");
  EXPECT_TRUE(gone(dir + "/target.pid"));
  EXPECT_TRUE(gone(dir + "/seed.pid"));
  EXPECT_TRUE(gone(dir + "/sleep.pid")) << "the whole process group was stopped";
}

TEST(DependenciesCli, OneThatExitsStopsNestHostBeforeAnyUserAndShowsItsOutput) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-u",
                       "2", "-t", "2s", "--json", dir + "/run.json",
                       "--dependency", "first=sleep 1000", "--dependency",
                       "db=echo starting; echo 'no such table: accounts' >&2; exit 3",
                       "--ready", "db=tcp://127.0.0.1:" + std::to_string(closed_port())});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("db"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("status 3"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("no such table: accounts"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("No user was started."), std::string::npos) << run.err;
  EXPECT_EQ(target.count(""), 0u) << "no request reached the system under test";
  EXPECT_EQ(read_file(dir + "/dependency-db.log"), "starting\nno such table: accounts\n");
}

TEST(DependenciesCli, CtrlCDuringTheRunStopsTheDependenciesAndKeepsTheResults) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-u",
                       "2", "-r", "10", "-t", "30s", "--json", dir + "/run.json",
                       "--dependency", "stub=sleep 1000 & echo $! > " + dir + "/sleep.pid; wait"},
                      60, {{2.0, SIGINT}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(requests_in(dir + "/run.json"), 0u);
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count("")) << "every answered request counted";
  EXPECT_TRUE(gone(dir + "/sleep.pid"));
}

TEST(DependenciesCli, CtrlCWhileWaitingForReadinessStopsWhatWasStarted) {
  std::string dir = temp_dir();
  auto run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/counting",
                       "-t", "5s", "--json", dir + "/run.json", "--dependency",
                       "slow=echo $$ > " + dir + "/slow.pid; exec sleep 1000",
                       "--ready", "slow=log:never said"},
                      60, {{1.5, SIGINT}});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("interrupted"), std::string::npos) << run.err;
  EXPECT_TRUE(gone(dir + "/slow.pid"));
}

// A Ctrl-C after the dependencies are ready and before the run has its own handling (here: in
// a load shape's constructor) waits for the run, which stops at once; nothing is left behind.
TEST(DependenciesCli, CtrlCBetweenReadyAndTheRunStopsTheRunNotNestHost) {
  DemoTarget target;
  std::string dir = temp_dir();
  setenv("NEST_TEST_RAISE_WHEN", (dir + "/deps-up").c_str(), 1);
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/raising_shape",
                       "--shape", "RaisesWhenReady", "--json", dir + "/run.json",
                       "--dependency", "stub=touch " + dir + "/deps-up; echo up; sleep 1000 & echo $! > " +
                                           dir + "/sleep.pid; wait",
                       "--ready", "stub=log:up"});
  unsetenv("NEST_TEST_RAISE_WHEN");
  EXPECT_NE(run.exit_code, -1) << "killed by the signal: " << run.err;
  EXPECT_NE(run.err.find("stopping"), std::string::npos) << "the run took the signal: " << run.err;
  EXPECT_NE(read_file(dir + "/run.json"), "") << "the results were written";
  EXPECT_TRUE(gone(dir + "/sleep.pid"));
}

TEST(DependenciesCli, MistakesAreNamedWithTheFlagOrTheLine) {
  std::string dir = temp_dir();
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"-H", "http://127.0.0.1:1", "--taskset-dir",
                                    NEST_TEST_PLUGINS "/counting", "--list"};
    all.insert(all.end(), args.begin(), args.end());
    return nest_host(all);
  };
  auto r = with({"--ready", "db=tcp://127.0.0.1:5432"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--ready db: no dependency is named 'db'"), std::string::npos) << r.err;
  r = with({"--dependency", "db"});
  EXPECT_NE(r.err.find("--dependency: 'db' is not NAME=COMMAND"), std::string::npos) << r.err;
  r = with({"--dependency", "d b=x"});
  EXPECT_NE(r.err.find("'d b' is not a dependency name"), std::string::npos) << r.err;
  write_file(dir + "/a.ini", "[dependencies]\ndb = sleep 1\ndb.redy = tcp://127.0.0.1:1\n");
  r = with({"--config", dir + "/a.ini"});
  EXPECT_NE(r.err.find(dir + "/a.ini:3: unknown setting 'redy' of a dependency (did you mean 'db.ready'?)"),
            std::string::npos) << r.err;
  write_file(dir + "/b.ini", "[dependencies]\ndb.ready = tcp://127.0.0.1:1\n");
  r = with({"--config", dir + "/b.ini"});
  EXPECT_NE(r.err.find(dir + "/b.ini:2: 'db.ready' sets up 'db', which [dependencies] does not start"),
            std::string::npos) << r.err;
  write_file(dir + "/c.ini", "[dependencies]\ndb = sleep 1\ndb.timeout = soon\n");
  r = with({"--config", dir + "/c.ini"});
  EXPECT_NE(r.err.find(dir + "/c.ini:3: 'soon' is not a duration"), std::string::npos) << r.err;
  r = with({"--dependency", "db=sleep 1", "--ready", "db=ftp://x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--ready db: "), std::string::npos) << r.err;
}

TEST(DependenciesCli, OneThatEndsDuringTheRunIsSaid) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-u",
                       "1", "-t", "2s", "--only-summary", "--json", dir + "/run.json",
                       "--dependency", "brief=sleep 0.5; exit 7"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("dependency brief exited with status 7 during the run"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace nest::test
