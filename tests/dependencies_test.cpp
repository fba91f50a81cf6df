// The run's dependencies (host/deps/) with real processes: started in order, each checked ready
// (tcp://, http://, log:), failing with its name, status and last lines, and stopped with its
// whole process group.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "demo_target.h"
#include "deps/dependency_runner.h"
#include "deps/ready_check.h"
#include "process.h"

namespace nest::host {
namespace {

using namespace std::chrono_literals;
using test::read_file;
using test::temp_dir;

const std::string kDemoTarget = NEST_BIN_DIR "/nest-demo-target";

// The state letter of process `pid` in /proc ('R', 'S', 'Z', ...), or 0 when it is gone.
char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return 0;
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? 0 : line[paren + 2];
}

bool process_alive(pid_t pid) {
  char state = process_state(pid);
  return state != 0 && state != 'Z' && state != 'X';
}

// Whether a process of group `pgid` lives (zombies waiting for a reaper do not count).
bool group_alive(pid_t pgid) {
  if (kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    std::istringstream fields(line.substr(line.rfind(')') + 1));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (fields >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z' && state != 'X') {
      return true;
    }
  }
  return false;
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds within = 20s) {
  auto until = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

pid_t read_pid(const std::string& path) {
  pid_t pid = 0;
  EXPECT_TRUE(eventually([&] {
    std::ifstream in(path);
    return static_cast<bool>(in >> pid) && pid > 0;
  })) << path;
  return pid;
}

bool accepts(int port) {
  ReadyCheck check("tcp://127.0.0.1:" + std::to_string(port), "");
  return check.attempt(1000ms);
}

DependencySpec spec(std::string name, std::string command, std::string ready = "",
                    std::chrono::milliseconds timeout = 30s) {
  DependencySpec s;
  s.name = std::move(name);
  s.command = std::move(command);
  s.ready = std::move(ready);
  s.timeout = timeout;
  s.grace = 5s;
  s.where = "test.ini:3";
  return s;
}

// Runs start() and returns the DependencyError's message ("" when none was thrown).
std::string start_error(Dependencies& deps, const std::vector<DependencySpec>& specs,
                        std::vector<std::string>* said = nullptr) {
  try {
    deps.start(specs, [&](const std::string& line) {
      if (said) said->push_back(line);
    });
  } catch (const DependencyError& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReadyCheck, FormsAreCheckedWithAReason) {
  EXPECT_EQ(ready_check_error(""), "");
  EXPECT_EQ(ready_check_error("tcp://127.0.0.1:9000"), "");
  EXPECT_EQ(ready_check_error("tcp://localhost:1"), "");
  EXPECT_EQ(ready_check_error("tcp://[::1]:65535"), "");
  EXPECT_EQ(ready_check_error("http://127.0.0.1:8080/health"), "");
  EXPECT_EQ(ready_check_error("https://example.com"), "");
  EXPECT_EQ(ready_check_error("log:Listening on"), "");
  EXPECT_EQ(ready_check_error("tcp://127.0.0.1"), "tcp://HOST:PORT needs a port");
  EXPECT_EQ(ready_check_error("tcp://127.0.0.1:"), "tcp://HOST:PORT needs a port");
  EXPECT_EQ(ready_check_error("tcp://:80"), "tcp://HOST:PORT needs a host");
  EXPECT_TRUE(contains(ready_check_error("tcp://h:70000"), "1 to 65535"));
  EXPECT_TRUE(contains(ready_check_error("tcp://h:0"), "1 to 65535"));
  EXPECT_TRUE(contains(ready_check_error("tcp://h:http"), "1 to 65535"));
  EXPECT_TRUE(contains(ready_check_error("tcp://::1:80"), "brackets"));
  EXPECT_EQ(ready_check_error("log:"), "log:TEXT needs the text to look for");
  EXPECT_TRUE(contains(ready_check_error("http://"), "not a URL"));
  EXPECT_TRUE(contains(ready_check_error("127.0.0.1:9000"), "tcp://HOST:PORT"));
  EXPECT_TRUE(contains(ready_check_error("ftp://x/"), "not a readiness check"));
}

TEST(ReadyCheck, LogTextIsFoundAcrossWritesAndOnlyOnce) {
  std::string log = temp_dir() + "/dependency-x.log";
  ReadyCheck check("log:server is up", log);
  EXPECT_FALSE(check.attempt(100ms));
  EXPECT_EQ(check.why_not(), "no output yet");
  std::ofstream(log) << "starting\nserver i";
  EXPECT_FALSE(check.attempt(100ms));
  EXPECT_TRUE(contains(check.why_not(), "not in its output yet"));
  std::ofstream(log, std::ios::app) << "s up\n";
  EXPECT_TRUE(check.attempt(100ms));
}

TEST(ReadyCheck, TcpAndHttpSayWhyNot) {
  int port = test::closed_port();
  ReadyCheck tcp("tcp://127.0.0.1:" + std::to_string(port), "");
  EXPECT_FALSE(tcp.attempt(500ms));
  EXPECT_TRUE(contains(tcp.why_not(), "refused")) << tcp.why_not();
  test::DemoTarget target;
  ReadyCheck not_ok(target.url() + "/status/503", "");
  EXPECT_FALSE(not_ok.attempt(1000ms));
  EXPECT_EQ(not_ok.why_not(), "answered 503");
  ReadyCheck ok(target.url() + "/status/201", "");
  EXPECT_TRUE(ok.attempt(1000ms)) << ok.why_not();
  ReadyCheck open("tcp://127.0.0.1:" + std::to_string(target.port()), "");
  EXPECT_TRUE(open.attempt(1000ms)) << open.why_not();
}

TEST(Dependencies, ReadyByTcpThenStoppedWithItsGroup) {
  std::string dir = temp_dir();
  int port = test::closed_port();
  std::vector<std::string> said;
  pid_t pgid = 0;
  {
    Dependencies deps(dir, {});
    std::string error = start_error(
        deps,
        {spec("target",
              "echo $$ > " + dir + "/pid; exec " + kDemoTarget + " --port " + std::to_string(port),
              "tcp://127.0.0.1:" + std::to_string(port))},
        &said);
    ASSERT_EQ(error, "");
    ASSERT_EQ(said.size(), 1u);
    EXPECT_TRUE(said[0].starts_with("target: ready after ")) << said[0];
    EXPECT_TRUE(contains(said[0], "(tcp://127.0.0.1:" + std::to_string(port) + ")")) << said[0];
    EXPECT_EQ(test::http_get("http://127.0.0.1:" + std::to_string(port) + "/"),
              "Nest demo target\n");
    pgid = read_pid(dir + "/pid");
    EXPECT_TRUE(group_alive(pgid));
    EXPECT_EQ(deps.log_files(), std::vector<std::string>{dir + "/dependency-target.log"});
    EXPECT_TRUE(contains(read_file(dir + "/dependency-target.log"), "listening on 127.0.0.1:"));
    EXPECT_EQ(deps.stop(), std::vector<std::string>{}) << "it ran until stopped";
    EXPECT_FALSE(group_alive(pgid));
    EXPECT_FALSE(accepts(port));
    EXPECT_EQ(deps.stop(), std::vector<std::string>{}) << "idempotent";
  }
}

TEST(Dependencies, ReadyByHttp2xxOnly) {
  std::string dir = temp_dir();
  int port = test::closed_port();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string serve = "exec " + kDemoTarget + " --port " + std::to_string(port);
  std::vector<std::string> said;
  Dependencies deps(dir, {});
  ASSERT_EQ(start_error(deps, {spec("web", serve, url + "/items")}, &said), "");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_TRUE(contains(said[0], "(" + url + "/items)")) << said[0];
  EXPECT_TRUE(test::http_get(url + "/items").starts_with("["));
  deps.stop();

  // Up, but answering 503 to the check: never ready.
  Dependencies other(dir, {});
  std::string error = start_error(other, {spec("sick", serve, url + "/status/503", 1s)});
  EXPECT_TRUE(contains(error, "dependency 'sick' (test.ini:3) not ready after 1 s: " + url +
                                  "/status/503 (answered 503)"))
      << error;
  EXPECT_FALSE(accepts(port)) << "stopped";
}

TEST(Dependencies, ReadyByLogTextInItsOwnFreshLog) {
  std::string dir = temp_dir();
  // A log left by an earlier run must not make it ready: the file is made anew.
  std::ofstream(dir + "/dependency-logger.log") << "server is up\n";
  std::vector<std::string> said;
  Dependencies deps(dir, {});
  ASSERT_EQ(start_error(deps,
                        {spec("logger",
                              "echo starting; sleep 0.3; echo 'server is up' >&2; "
                              "echo more; exec sleep 1000",
                              "log:server is up")},
                        &said),
            "");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_TRUE(said[0].starts_with("logger: ready after ")) << said[0];
  EXPECT_TRUE(eventually([&] {
    return read_file(dir + "/dependency-logger.log") == "starting\nserver is up\nmore\n";
  })) << read_file(dir + "/dependency-logger.log");
  deps.stop();

  Dependencies stale(dir, {});
  std::ofstream(dir + "/dependency-quiet.log") << "server is up\n";
  std::string error =
      start_error(stale, {spec("quiet", "exec sleep 1000", "log:server is up", 1s)});
  EXPECT_TRUE(contains(error,
                       "not ready after 1 s: log:server is up ('server is up' not in its "
                       "output yet)"))
      << error;
  EXPECT_TRUE(contains(error, "it wrote nothing")) << error;
}

TEST(Dependencies, TheRunsEnvironmentReachesThem) {
  std::string dir = temp_dir();
  setenv("NEST_DEPS_TEST_OLD", "from nest-host", 1);
  setenv("NEST_DEPS_TEST_REPLACED", "old", 1);
  Dependencies deps(dir, {{"NEST_HOST", "http://127.0.0.1:1234"},
                          {"NEST_RESULTS_DIR", dir},
                          {"NEST_DEPS_TEST_REPLACED", "new"}});
  ASSERT_EQ(start_error(deps, {spec("seed",
                                    "echo \"$NEST_HOST|$NEST_RESULTS_DIR|$NEST_DEPS_TEST_OLD|"
                                    "$NEST_DEPS_TEST_REPLACED\" > \"$NEST_RESULTS_DIR/env\"; "
                                    "env | grep -c '^NEST_DEPS_TEST_REPLACED='; echo seeded; "
                                    "exec sleep 1000",
                                    "log:seeded")}),
            "");
  EXPECT_EQ(read_file(dir + "/env"), "http://127.0.0.1:1234|" + dir + "|from nest-host|new\n");
  EXPECT_EQ(read_file(dir + "/dependency-seed.log"), "1\nseeded\n") << "replaced, not doubled";
  unsetenv("NEST_DEPS_TEST_OLD");
  unsetenv("NEST_DEPS_TEST_REPLACED");
}

TEST(Dependencies, OneThatExitsEarlyIsNamedWithItsStatusAndLastLines) {
  std::string dir = temp_dir();
  std::string port = std::to_string(test::closed_port());
  Dependencies deps(dir, {});
  std::string error = start_error(
      deps,
      {spec("early", "for i in $(seq 1 30); do echo out-$i; done; echo 'cannot bind' >&2; exit 3",
            "tcp://127.0.0.1:" + port)});
  EXPECT_TRUE(error.starts_with(
      "dependency 'early' (test.ini:3) exited with status 3 before it was ready\n"))
      << error;
  EXPECT_TRUE(contains(error, "the last 15 lines of its output (" + dir + "/dependency-early.log)"))
      << error;
  EXPECT_TRUE(contains(error, "\n  | out-30\n  | cannot bind")) << error;
  EXPECT_TRUE(contains(error, "  | out-17\n")) << error;
  EXPECT_FALSE(contains(error, "  | out-16\n")) << "15 lines: " << error;
  EXPECT_EQ(deps.log_files(), std::vector<std::string>{dir + "/dependency-early.log"});

  Dependencies killed(dir, {});
  error = start_error(killed, {spec("killed", "kill -9 $$", "tcp://127.0.0.1:" + port)});
  EXPECT_TRUE(contains(error,
                       "'killed' (test.ini:3) was killed by signal 9 (Killed) before it "
                       "was ready"))
      << error;
}

TEST(Dependencies, NeverReadyIsStoppedWithItsGrandchildren) {
  std::string dir = temp_dir();
  int port = test::closed_port();
  auto never = spec(
      "never",
      "echo $$ > " + dir + "/pid; sleep 1000 & echo $! > " + dir + "/child; echo waiting; wait",
      "tcp://127.0.0.1:" + std::to_string(port), 1s);
  auto began = std::chrono::steady_clock::now();
  Dependencies deps(dir, {});
  std::string error = start_error(deps, {never});
  EXPECT_LT(std::chrono::steady_clock::now() - began, 20s);
  EXPECT_TRUE(
      error.starts_with("dependency 'never' (test.ini:3) not ready after 1 s: "
                        "tcp://127.0.0.1:" +
                        std::to_string(port) + " (Connection refused)\n"))
      << error;
  EXPECT_TRUE(contains(
      error, "the last 1 line of its output (" + dir + "/dependency-never.log):\n  | waiting"))
      << error;
  pid_t pgid = read_pid(dir + "/pid"), child = read_pid(dir + "/child");
  EXPECT_FALSE(group_alive(pgid));
  EXPECT_FALSE(process_alive(child)) << "the `sleep 1000 &` is stopped too";
}

TEST(Dependencies, StopSendsTermFirstThenKillsAfterTheGrace) {
  std::string dir = temp_dir();
  // Its own child (a shell of its own) hears SIGTERM too: it went to the process group.
  auto polite = spec("polite",
                     "trap 'echo got-term >> " + dir + "/polite-term; exit 0' TERM; echo $$ > " +
                         dir + "/polite-pid; sh -c \"trap 'echo child-got-term >> " + dir +
                         "/polite-term; exit 0' TERM; echo \\$\\$ > " + dir +
                         "/polite-child; sleep 1000 & wait\" & wait",
                     "");
  auto stubborn = spec("stubborn",
                       "trap '' TERM; echo $$ > " + dir + "/stubborn-pid; sleep 1000 & echo $! > " +
                           dir + "/stubborn-child; wait",
                       "");
  stubborn.grace = 300ms;
  Dependencies deps(dir, {});
  ASSERT_EQ(start_error(deps, {polite, stubborn}), "");
  pid_t polite_pgid = read_pid(dir + "/polite-pid");
  pid_t stubborn_pgid = read_pid(dir + "/stubborn-pid");
  pid_t stubborn_child = read_pid(dir + "/stubborn-child");
  pid_t polite_child = read_pid(dir + "/polite-child");
  ASSERT_TRUE(group_alive(polite_pgid));
  ASSERT_TRUE(process_alive(stubborn_child));
  auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(deps.stop(), std::vector<std::string>{});
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 300ms) << "the stubborn one had its grace";
  EXPECT_LT(took, 20s);
  std::string heard = read_file(dir + "/polite-term");
  EXPECT_TRUE(heard == "got-term\nchild-got-term\n" || heard == "child-got-term\ngot-term\n")
      << "SIGTERM came first, to the whole group: " << heard;
  EXPECT_FALSE(process_alive(polite_child));
  EXPECT_FALSE(group_alive(polite_pgid));
  EXPECT_FALSE(group_alive(stubborn_pgid));
  EXPECT_FALSE(process_alive(stubborn_child)) << "its child, ignoring SIGTERM too, was killed";
}

TEST(Dependencies, StoppedAtOnceAfterStartingTheTermIsNotLost) {
  // A SIGTERM that reaches the child before its exec must still end it (not wait the grace).
  std::string dir = temp_dir();
  for (int i = 0; i < 20; ++i) {
    Dependencies deps(dir, {});
    auto quick = spec("quick", "exec sleep 1000");
    quick.grace = 10s;
    ASSERT_EQ(start_error(deps, {quick}), "");
    auto began = std::chrono::steady_clock::now();
    EXPECT_EQ(deps.stop(), std::vector<std::string>{});
    ASSERT_LT(std::chrono::steady_clock::now() - began, 5s) << "the stop waited its grace";
  }
}

TEST(Dependencies, StopReportsOneThatEndedOnItsOwn) {
  std::string dir = temp_dir();
  Dependencies deps(dir, {});
  // The quitter quits once told (the file `go`), not before start() has seen it started.
  ASSERT_EQ(start_error(deps, {spec("quitter", "echo $$ > " + dir + "/pid; until [ -e " + dir +
                                                   "/go ]; do sleep 0.02; done; exit 1"),
                               spec("stayer", "exec sleep 1000"),
                               spec("crasher", "echo $$ > " + dir + "/crasher; exec sleep 1000")}),
            "");
  pid_t quitter = read_pid(dir + "/pid");
  pid_t crasher = read_pid(dir + "/crasher");
  std::ofstream(dir + "/go").put('\n');  // it exits, and waits to be reaped
  ASSERT_TRUE(eventually([&] { return process_state(quitter) == 'Z'; }));
  ASSERT_EQ(kill(crasher, SIGKILL), 0);
  ASSERT_TRUE(eventually([&] { return process_state(crasher) == 'Z'; }));
  EXPECT_EQ(deps.stop(),
            (std::vector<std::string>{"crasher was killed by signal 9 (Killed) during the run",
                                      "quitter exited with status 1 during the run"}));
  EXPECT_EQ(deps.stop(), std::vector<std::string>{}) << "said once";
}

TEST(Dependencies, EachStartsOnlyOnceTheOneBeforeIsReady) {
  std::string dir = temp_dir();
  std::string order = dir + "/order";
  std::vector<std::string> said;
  Dependencies deps(dir, {});
  ASSERT_EQ(start_error(
                deps,
                {spec("first", "sleep 0.5; echo first >> " + order + "; echo up; exec sleep 1000",
                      "log:up"),
                 spec("second", "echo second >> " + order + "; echo up; exec sleep 1000", "log:up"),
                 spec("third", "echo third >> " + order + "; exec sleep 1000")},
                &said),
            "");
  // The third has no check: ready once started, perhaps before its first line.
  EXPECT_TRUE(eventually([&] { return read_file(order) == "first\nsecond\nthird\n"; }))
      << read_file(order);
  ASSERT_EQ(said.size(), 3u);
  EXPECT_TRUE(said[0].starts_with("first: ready after ")) << said[0];
  EXPECT_TRUE(said[1].starts_with("second: ready after ")) << said[1];
  EXPECT_EQ(said[2], "third: started (no readiness check)");
  EXPECT_EQ(deps.log_files(),
            (std::vector<std::string>{dir + "/dependency-first.log", dir + "/dependency-second.log",
                                      dir + "/dependency-third.log"}));
}

TEST(Dependencies, AFailureStopsTheOnesStartedBeforeIt) {
  std::string dir = temp_dir();
  Dependencies deps(dir, {});
  std::string error = start_error(
      deps,
      {spec("database", "echo $$ > " + dir + "/pid; echo up; exec sleep 1000", "log:up"),
       spec("broken", "exit 2", "log:never"), spec("after", "touch " + dir + "/after-started")});
  EXPECT_TRUE(contains(error, "'broken' (test.ini:3) exited with status 2")) << error;
  EXPECT_FALSE(group_alive(read_pid(dir + "/pid")));
  EXPECT_FALSE(std::ifstream(dir + "/after-started").good()) << "nothing after the failure";
}

TEST(Dependencies, WrongSpecsStartNothing) {
  std::string dir = temp_dir();
  auto good = spec("good", "touch " + dir + "/started; exec sleep 1000");
  struct Case {
    DependencySpec bad;
    std::string error;
  };
  std::vector<Case> cases = {
      {spec("bad name", "true"), "dependency 'bad name' (test.ini:3): a dependency's name is"},
      {spec("good", "true"), "dependency 'good' (test.ini:3): that name is given twice"},
      {spec("empty", "  "), "dependency 'empty' (test.ini:3): no command"},
      {spec("port", "true", "tcp://localhost"),
       "dependency 'port' (test.ini:3): tcp://HOST:PORT needs a port"},
  };
  for (const Case& c : cases) {
    Dependencies deps(dir, {});
    std::string error = start_error(deps, {good, c.bad});
    EXPECT_TRUE(error.starts_with(c.error)) << error;
    EXPECT_TRUE(deps.log_files().empty());
  }
  EXPECT_FALSE(std::ifstream(dir + "/started").good());
}

TEST(Dependencies, CtrlCWhileWaitingStopsThemAndRestoresTheHandler) {
  std::string dir = temp_dir();
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  Dependencies deps(dir, {});
  std::thread ctrl_c([&] {
    // Once the first is running and the second is being waited for.
    eventually([&] { return std::ifstream(dir + "/second").good(); });
    kill(getpid(), SIGINT);
  });
  std::string error = start_error(
      deps, {spec("first", "echo $$ > " + dir + "/first; echo up; exec sleep 1000", "log:up"),
             spec("second", "echo $$ > " + dir + "/second; exec sleep 1000", "log:never", 60s)});
  ctrl_c.join();
  EXPECT_TRUE(error.starts_with("interrupted while waiting for dependency 'second' (test.ini:3)"))
      << error;
  EXPECT_FALSE(group_alive(read_pid(dir + "/first")));
  EXPECT_FALSE(group_alive(read_pid(dir + "/second")));
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(Dependencies, KillAllNowKillsEveryGroup) {
  std::string dir = temp_dir();
  Dependencies deps(dir, {});
  ASSERT_EQ(start_error(deps, {spec("a", "echo $$ > " + dir + "/a; sleep 1000 & wait"),
                               spec("b", "echo $$ > " + dir + "/b; exec sleep 1000")}),
            "");
  pid_t a = read_pid(dir + "/a"), b = read_pid(dir + "/b");
  Dependencies::kill_all_now();
  EXPECT_TRUE(eventually([&] { return !group_alive(a) && !group_alive(b); }));
  EXPECT_EQ(deps.stop(),
            (std::vector<std::string>{"b was killed by signal 9 (Killed) during the run",
                                      "a was killed by signal 9 (Killed) during the run"}));
}

}  // namespace
}  // namespace nest::host
