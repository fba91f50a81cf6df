// nest-host as a user runs it: a real process, real plugins, a real target, real files.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "demo_target.h"
#include "process.h"
#include "util/sanitizers.h"

namespace nest::test {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(Cli, UsageErrorsNameTheFlagAndExit2) {
  auto no_host = nest_host({"--taskset-dir", NEST_EXAMPLE_PLUGINS});
  EXPECT_EQ(no_host.exit_code, 2);
  EXPECT_NE(no_host.err.find("--host is required"), std::string::npos) << no_host.err;

  auto bad_time = nest_host({"-H", "http://127.0.0.1:1", "-t", "5x"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("--run-time: '5x' is not a duration"), std::string::npos)
      << bad_time.err;

  auto bad_users = nest_host({"-H", "http://127.0.0.1:1", "-u", "-5"});
  EXPECT_EQ(bad_users.exit_code, 2);
  EXPECT_NE(bad_users.err.find("--users"), std::string::npos) << bad_users.err;

  auto unknown = nest_host({"--hots", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("hots"), std::string::npos) << unknown.err;

  std::string empty = temp_dir();
  auto nothing = nest_host({"-H", "http://127.0.0.1:1", "--taskset-dir", empty});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("no taskset plugins (*.so) under '" + empty + "'"), std::string::npos)
      << nothing.err;
  EXPECT_NE(nothing.err.find("cmake --build build"), std::string::npos) << nothing.err;

  auto no_dir = nest_host({"-H", "http://127.0.0.1:1", "--taskset-dir", "/nonexistent/nest"});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_NE(no_dir.err.find("/nonexistent/nest"), std::string::npos) << no_dir.err;
}

TEST(Cli, RunWritesLocustCsvFilesAndExits0) {
  DemoTarget target;
  std::string prefix = temp_dir() + "/run";
  auto r =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", target.url(), "-u", "5", "-r",
                "50", "-t", "3s", "--stop-timeout", "5s", "--csv", prefix, "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Final results"), std::string::npos);
  EXPECT_NE(r.out.find("Response time percentiles"), std::string::npos);
  EXPECT_NE(r.out.find("Counting"), std::string::npos) << "the weights table";

  std::string stats = read_file(prefix + "_stats.csv");
  EXPECT_EQ(first_line(stats),
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
            "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
            "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%");
  EXPECT_NE(stats.find("\nGET,/items,"), std::string::npos) << stats;
  EXPECT_NE(stats.find("\n,Aggregated,"), std::string::npos) << stats;

  std::string history = read_file(prefix + "_stats_history.csv");
  EXPECT_TRUE(first_line(history).starts_with("Timestamp,User Count,Type,Name,Requests/s"));
  int rows = 0;
  for (char c : history) rows += c == '\n';
  EXPECT_GE(rows, 3) << "a row a second:\n" << history;

  EXPECT_EQ(first_line(read_file(prefix + "_failures.csv")), "Method,Name,Error,Occurrences");
  EXPECT_EQ(first_line(read_file(prefix + "_exceptions.csv")), "Count,Message,Traceback,Nodes");
  // The server saw what Nest counted.
  EXPECT_NE(stats.find("POST,/login,5,0,"), std::string::npos) << stats;
  EXPECT_EQ(target.counts()["POST /login"], 5u);
}

TEST(Cli, RefusedConnectionsFailTheRunWithExitCode1) {
  std::string host = "http://127.0.0.1:" + std::to_string(closed_port());
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", host, "-u", "3", "-r",
                     "10", "-t", "2s", "--only-summary"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("Error report"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("could not connect (Connection refused)"), std::string::npos) << r.out;
  EXPECT_LT(r.seconds, 15);

  auto custom = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", host, "-t", "1s",
                          "--only-summary", "--exit-code-on-error", "7"});
  EXPECT_EQ(custom.exit_code, 7);
}

// The Request Count of the row METHOD,NAME in a PREFIX_stats.csv's text; 0 when it is absent.
std::uint64_t csv_requests(const std::string& stats, const std::string& method,
                           const std::string& name) {
  std::string row = "\n" + method + "," + name + ",";
  auto at = stats.find(row);
  return at == std::string::npos ? 0 : std::stoull(stats.substr(at + row.size()));
}

// A run of 5 users for up to 60 s that `signal` stops at 1.5 s: it ends gracefully, at once,
// with its results written and on_stop run for every user.
void stops_gracefully_on(int signal) {
  DemoTarget target;
  std::string prefix = temp_dir() + "/stopped";
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", target.url(), "-u", "5",
                     "-r", "50", "-t", "60s", "--csv", prefix, "--only-summary"},
                    30, {{1.5, signal}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.seconds, 10) << "stopped long before the 60 s run time";
  EXPECT_NE(r.out.find("Final results"), std::string::npos);
  std::string stats = read_file(prefix + "_stats.csv");
  auto server = target.counts();
  // Users that never wait are stopped mid-request: the drain still counts every request the
  // server answered, row by row.
  EXPECT_GT(csv_requests(stats, "GET", "/items"), 0u) << stats;
  EXPECT_EQ(csv_requests(stats, "GET", "/items"), server["GET /items"]) << stats;
  EXPECT_EQ(csv_requests(stats, "POST", "/login"), server["POST /login"]) << stats;
  EXPECT_EQ(csv_requests(stats, "POST", "/logout"), server["POST /logout"]) << stats;
  EXPECT_EQ(server["POST /logout"], 5u) << "on_stop ran for every user";
}

TEST(Cli, CtrlCStopsGracefullyAndStillWritesResults) { stops_gracefully_on(SIGINT); }
TEST(Cli, SigtermStopsGracefullyAndStillWritesResults) { stops_gracefully_on(SIGTERM); }
TEST(Cli, AClosedTerminalStopsGracefullyAndStillWritesResults) { stops_gracefully_on(SIGHUP); }

TEST(Cli, AClosedStdoutNeverKillsTheRun) {
  DemoTarget target;
  std::string dir = temp_dir();
  // `| head -c 20`: the reader goes away after 20 bytes, long before the run ends.
  std::string command = std::string(NEST_BIN_DIR) + "/nest-host --yes --taskset-dir " +
                        NEST_TEST_PLUGINS "/counting -H " + target.url() +
                        " -u 2 -r 10 -t 2s --csv " + dir + "/piped | head -c 20 > /dev/null; " +
                        "echo ${PIPESTATUS[0]} > " + dir + "/status";
  auto r = run_process({"/bin/bash", "-c", command}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir + "/status"), "0\n") << "nest-host's own exit status";
  EXPECT_NE(read_file(dir + "/piped_stats.csv").find(",Aggregated,"), std::string::npos);
}

TEST(Cli, SecondCtrlCHaltsAtOnceAndStillWritesResults) {
  DemoTarget target;
  std::string prefix = temp_dir() + "/halted";
  // Users sit in 30 s requests; the first Ctrl-C waits for them (stop-timeout 60 s), the second
  // must not: it halts at once, about 2.4 s in. (Without the halt, the run would last 30 s.)
  auto r =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/stuck", "-H", target.url(), "-u", "3", "-r",
                "50", "-t", "60s", "--stop-timeout", "60s", "--csv", prefix, "--only-summary"},
               45, {{2.1, SIGINT}, {2.4, SIGINT}});
  EXPECT_EQ(r.exit_code, 1) << "nothing completed: " << r.err;
  EXPECT_LT(r.seconds, 15) << "did not wait for the tasks under way";
  EXPECT_NE(r.err.find("halting now"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Final results"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Cut: 3 request(s) sent and never answered"), std::string::npos)
      << "the halt cut the 3 requests on the wire, and counted them: " << r.out;
  EXPECT_NE(read_file(prefix + "_stats.csv").find(",Aggregated,"), std::string::npos);
}

TEST(Cli, SecondCtrlCHaltsEvenATaskThatNeverYields) {
  DemoTarget target;
  std::string prefix = temp_dir() + "/spun";
  // One user on one thread makes a request and then spins forever: the first Ctrl-C cannot
  // stop it, the second must still end the run and write what was measured.
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/spinner", "-H", target.url(), "-u", "1",
                     "--threads", "1", "-t", "60s", "--csv", prefix, "--only-summary"},
                    45, {{1.5, SIGINT}, {2.5, SIGINT}});
  EXPECT_LT(r.seconds, 15) << "the spinning thread did not keep nest-host alive";
  EXPECT_NE(r.err.find("halting now"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 worker thread(s) did not stop: a task never yields"), std::string::npos)
      << r.err;
  // The files are written; the stuck thread's own last second (here: its one request) is what
  // a halt cannot take from it.
  EXPECT_NE(read_file(prefix + "_stats.csv").find(",Aggregated,"), std::string::npos);
  EXPECT_NE(r.out.find("Final results"), std::string::npos) << r.out;
}

// A loopback port that accepts connections (the kernel's backlog does) and never answers.
class SilentServer {
 public:
  SilentServer() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      throw std::runtime_error("SilentServer: cannot listen");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

TEST(Cli, ATargetThatNeverAnswersIsNotASuccessAndTheRunEndsOnTime) {
  SilentServer silent;
  std::string json = temp_dir() + "/silent.json";
  // Every user's on_start request hangs (the request timeout is 60 s). At 1 s no request
  // starts, the drain waits 300 ms, then the 3 requests are cut and on_stop may send nothing.
  auto r =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", silent.url(), "-u", "3", "-r",
                "50", "-t", "1s", "--drain-timeout", "300ms", "--json", json, "--only-summary"},
               45);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("no request completed: 3 cut unanswered at the end"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("Cut: 3 request(s)"), std::string::npos) << r.out;
  std::string result = read_file(json);
  EXPECT_NE(result.find(R"("cut":[{"method":"POST","name":"/login","requests":3}])"),
            std::string::npos)
      << result;
  EXPECT_LT(r.seconds, 15) << "ended at -t + drain, not after the 60 s request timeout";
}

TEST(Cli, OutputPathsAreCheckedBeforeTheRunStarts) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::vector<std::string> run = {"--taskset-dir",
                                  NEST_TEST_PLUGINS "/counting",
                                  "-H",
                                  target.url(),
                                  "-u",
                                  "2",
                                  "-r",
                                  "10",
                                  "-t",
                                  "1s"};
  auto with = [&](std::vector<std::string> outputs) {
    std::vector<std::string> args = run;
    args.insert(args.end(), outputs.begin(), outputs.end());
    return nest_run(args);
  };
  auto folder = with({"--json", dir});
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_NE(folder.err.find("--json: " + dir + " is a folder: give a file's path"),
            std::string::npos)
      << folder.err;
  auto device = with({"--html", "/dev/null"});
  EXPECT_EQ(device.exit_code, 2);
  EXPECT_NE(device.err.find("--html: /dev/null is not a regular file"), std::string::npos)
      << device.err;
  auto twice = with({"--json", dir + "/r", "--html", dir + "/r"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("--html: " + dir + "/r is the file --json writes too"),
            std::string::npos)
      << twice.err;
  auto nowhere = with({"--json", "/nonexistent/nest/r.json", "--csv", dir + "/r"});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_NE(nowhere.err.find("--json: cannot write /nonexistent/nest/r.json: no folder"),
            std::string::npos)
      << nowhere.err;
  EXPECT_EQ(target.count(""), 0u) << "refused before any user started";
}

TEST(Cli, ASymlinkAtAnOutputPathIsWrittenThroughNotReplaced) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::filesystem::create_directory(dir + "/kept");
  { std::ofstream(dir + "/kept/result.json") << "old"; }
  std::filesystem::create_symlink("kept/result.json", dir + "/link.json");
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", target.url(), "-u", "1",
                     "-t", "1s", "--json", dir + "/link.json", "--only-summary"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(dir + "/link.json")) << "the link stays a link";
  EXPECT_NE(read_file(dir + "/kept/result.json").find("\"nest-result\""), std::string::npos)
      << "its target holds the result";
}

// A plugin that crashes (`folder`: crashing or aborting) 2 s into a 60 s run, with 2 users on
// 2 threads: the crash names the taskset and task, the run halts, every output is written with
// what was measured (all of the other user's requests, and the crashed one's up to its last
// second), and the exit code is 4.
void survives_a_crash_in(const std::string& folder, const std::string& named) {
  if (host::kUnderSanitizer) GTEST_SKIP() << "under a sanitizer, its own crash report is kept";
  DemoTarget target;
  std::string dir = temp_dir();
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/" + folder, "-H", target.url(), "-u", "2",
                     "-r", "100", "--threads", "2", "-t", "60s", "--csv", dir + "/crash", "--json",
                     dir + "/crash.json", "--html", dir + "/crash.html", "--only-summary"},
                    45);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the run was ended by a crash in plugin code"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 30) << "halted at the crash, not at the end of the run time";
  EXPECT_NE(r.out.find("Final results"), std::string::npos) << r.out;
  // Every request the other user made, and the crashed one's up to its last second, counted.
  std::string stats = read_file(dir + "/crash_stats.csv");
  EXPECT_NE(stats.find("GET,/,"), std::string::npos) << stats;
  std::uint64_t recorded = csv_requests(stats, "GET", "/");
  std::uint64_t server = target.count("GET /");
  EXPECT_GT(recorded, 40u);
  EXPECT_LE(recorded, server);
  EXPECT_GE(recorded + 25, server) << "no more than about a second of one user lost";
  std::string json = read_file(dir + "/crash.json");
  EXPECT_NE(json.find(R"("aborted_by":"a crash: )"), std::string::npos) << json;
  EXPECT_NE(read_file(dir + "/crash_exceptions.csv").find("crashed: SIG"), std::string::npos);
  EXPECT_NE(read_file(dir + "/crash.html").find("nest-result"), std::string::npos);
}

TEST(Cli, ASegfaultInPluginCodeIsNamedAndEveryResultWritten) {
  survives_a_crash_in("crashing",
                      "SIGSEGV (invalid memory access) in taskset 'Crashing', task "
                      "'browse'");
}

TEST(Cli, AnAbortInPluginCodeIsNamedAndEveryResultWritten) {
  survives_a_crash_in("aborting",
                      "SIGABRT (abort(), a failed assert, or std::terminate) in "
                      "taskset 'Aborting', task 'check'");
}

// Processes whose command line mentions `text`.
int processes_mentioning(const std::string& text) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    found += cmdline.find(text) != std::string::npos;
  }
  return found;
}

TEST(Cli, TheDiscoveryProbeDiesWithNestHost) {
  // A plugin whose static constructor never returns, in a folder of its own: the probe child
  // that loads it hangs (for its 10 s timeout). A SIGTERM to nest-host meanwhile must take the
  // child with it.
  std::string dir = temp_dir() + "/hang-probe";
  std::filesystem::create_directory(dir);
  std::filesystem::copy(NEST_TEST_PLUGINS "/hanging", dir,
                        std::filesystem::copy_options::recursive);
  auto r = nest_host({"--list", "--taskset-dir", dir}, 30, {{1.0, SIGTERM}});
  EXPECT_LT(r.seconds, 5) << "SIGTERM ended it during the probe";
  for (int i = 0; i < 50 && processes_mentioning(dir) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(processes_mentioning(dir), 0) << "the probe child outlived nest-host";
}

TEST(Cli, BadPluginsAreReportedAndTheGoodOneRuns) {
  DemoTarget target;
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/bad", "-H", target.url(), "-t", "1s",
                     "--only-summary"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* file : {"not_a_library.so", "bad_no_symbols.so", "bad_wrong_abi.so",
                           "bad_throwing_factory.so", "bad_no_tasks.so", "bad_aborts_in_static.so",
                           "bad_throws_in_static.so", "bad_other_runtime.so", "bad_name.so"}) {
    EXPECT_NE(r.err.find(std::string("skipped ") + NEST_TEST_PLUGINS "/bad/" + file),
              std::string::npos)
        << file << " in:\n"
        << r.err;
  }
  EXPECT_GT(target.counts()["GET /items"], 0u);
}

TEST(Cli, WithoutATerminalItRefusesUnlessYes) {
  auto r = nest_host(
      {"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", "http://127.0.0.1:1", "-t", "1s"}, 20);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pass --yes"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 10) << "never waits for an answer that cannot come";
  EXPECT_NE(r.out.find("Counting"), std::string::npos) << "the table was still shown";
}

// Each case's flags, with `common` after them, make nest-host exit 2 naming the message.
void expect_usage_errors(std::vector<std::pair<std::vector<std::string>, std::string>> cases,
                         const std::vector<std::string>& common) {
  for (auto& [args, message] : cases) {
    args.insert(args.end(), common.begin(), common.end());
    auto r = nest_run(args);
    EXPECT_EQ(r.exit_code, 2) << message;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
}

TEST(Cli, FlagsOutOfRangeAreUsageErrors) {
  std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-H", "ftp://127.0.0.1"}, "--host: 'ftp://127.0.0.1' is not an http:// or https:// URL"},
      {{"-H", "http://127.0.0.1:99999"},
       "--host: 'http://127.0.0.1:99999' is not an http:// or https:// URL"},
      {{"-H", "http://127.0.0.1/base/?x=1"},
       "--host: 'http://127.0.0.1/base/?x=1' has a query or fragment"},
      {{"-H", "http://127.0.0.1/base#top"}, "--host: 'http://127.0.0.1/base#top' has a query"},
      {{"-H", "http://127.0.0.1/a b"}, "--host: 'http://127.0.0.1/a b' is not an http://"},
      {{"-H", "http://127.0.0.1", "-r", "inf"}, "--spawn-rate must be a number more than 0"},
      {{"-H", "http://127.0.0.1", "-t", "0"}, "--run-time must be more than 0"},
      {{"-H", "http://127.0.0.1", "--exit-code-on-error", "256"},
       "--exit-code-on-error must be from 0 to 255"},
      {{"-H", "http://127.0.0.1", "--max-body", "10 MiB"},
       "--max-body: '10 MiB' is not a size (10MiB, 512KiB, 1GB, none)"},
      {{"-H", "http://127.0.0.1", "--max-body", "0"},
       "--max-body: '0' is not a size (10MiB, 512KiB, 1GB, none)"},
  };
  expect_usage_errors(cases, {"--taskset-dir", NEST_TEST_PLUGINS "/counting"});
}

TEST(Cli, LoadPlanFlagsThatCollideAreNamed) {
  std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--stages", "10s:5", "-u", "3", "-t", "1m"},
       "--stages sets the users and the run time: drop -u, -t"},
      {{"--arrival-rate", "20/s", "-u", "3"},
       "--arrival-rate starts sessions on a schedule (the open model); -u and -r are the closed "
       "model's: drop -u"},
      {{"--rate-stages", "10s:5/s", "-t", "5s"},
       "--rate-stages sets the arrival rate and the run time: drop -t"},
      {{"--shape", "Steps", "-r", "5"}, "--shape sets the users and the run time: drop -r"},
      {{"--max-users", "5"},
       "--max-users is for the open model: give --arrival-rate or "
       "--rate-stages"},
      {{"--stages", "10s:5/s"},
       "--stages: stage '10s:5/s' is a rate: arrival rates go in "
       "--rate-stages (the open model)"},
      {{"--stages", "10x:5"}, "--stages: stage '10x:5' has a duration that is not one ('10x')"},
      {{"--arrival-rate", "fast"}, "--arrival-rate: 'fast' is not a rate"},
      {{"--arrival-rate", "5/s", "--arrivals", "bursty"},
       "--arrivals: 'bursty' is not constant or poisson"},
  };
  expect_usage_errors(cases, {"--taskset-dir", NEST_TEST_PLUGINS "/shapes", "-H", "http://x"});
  auto unknown = nest_run(
      {"--taskset-dir", NEST_TEST_PLUGINS "/shapes", "-H", "http://x", "--shape", "Stpes"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--shape: no load shape named 'Stpes' under '" NEST_TEST_PLUGINS
                             "/shapes' (found: Steps, Thrower)"),
            std::string::npos)
      << unknown.err;
}

TEST(Cli, StagesFromTheIniFileRunAndShowInTheResult) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::ofstream(dir + "/nest.ini")
      << "[nest]\nhost = " << target.url() << "\n[stages]\nup = 2s:4\ndown = 1s:0\n";
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/mix", "--config", dir + "/nest.ini",
                     "--only-summary", "--json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("stages 2s:4, 1s:0, run time 3.0 s"), std::string::npos) << r.out;
  std::string json = read_file(dir + "/r.json");
  EXPECT_NE(json.find("\"plan\":\"stages 2s:4, 1s:0\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"label\":\"stage 2/2: 4 to 0 users in 1 s\""), std::string::npos);

  std::ofstream(dir + "/nest.ini") << "[stages]\nup = 2s:4\n";
  auto both = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/mix", "--config", dir + "/nest.ini",
                        "-H", target.url(), "-u", "3"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("[stages] of " + dir +
                          "/nest.ini sets the users and the run time: "
                          "drop -u (or the [stages] section)"),
            std::string::npos)
      << both.err;
}

TEST(Cli, AThrowingLoadShapeEndsTheRunWithResultsWritten) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto r = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/shapes", "-H", target.url(), "--shape",
                     "Thrower", "--only-summary", "--json", dir + "/r.json", "--csv", dir + "/r"},
                    60);
  EXPECT_EQ(r.exit_code, 1) << "a run its plan could not finish is not a success";
  EXPECT_NE(r.err.find("load shape Thrower: tick() threw: no plan after 2 s: the run stops"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("Final results"), std::string::npos);
  std::string json = read_file(dir + "/r.json");
  EXPECT_NE(json.find("\"aborted_by\":\"load shape Thrower: tick() threw: no plan after 2 s\""),
            std::string::npos)
      << json;
  EXPECT_NE(read_file(dir + "/r_stats.csv").find("GET,/paced,"), std::string::npos);
}

TEST(Cli, AnOpenModelRunSaysWhatItDid) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto r =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/visit", "-H", target.url(), "--arrival-rate",
                "600/m", "-t", "2s", "--max-users", "50", "--json", dir + "/r.json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sessions arriving 10.00/s (constant, at most 50 at once)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Open model: 10.00/s wanted"), std::string::npos) << r.out;
  std::string json = read_file(dir + "/r.json");
  EXPECT_NE(json.find("\"model\":\"open\""), std::string::npos);
  EXPECT_NE(json.find("\"dropped\":0"), std::string::npos);
}

TEST(Cli, IniWeightsAndOptionsDriveTheRun) {
  DemoTarget target;
  std::string dir = temp_dir();
  std::ofstream(dir + "/nest.ini") << "# weights for the test\n[weights]\nHeavy = 0\n"
                                   << "Nobody = 3\n\n[nest]\nhost = " << target.url()
                                   << "\nusers = 3\nrun-time = 1s\nonly-summary = yes\n";
  auto r =
      nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/weighted", "--config", dir + "/nest.ini"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(dir + "/nest.ini:4: no taskset named 'Nobody'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("off"), std::string::npos) << "Heavy is shown as off:\n" << r.out;
  EXPECT_NE(r.out.find(dir + "/nest.ini:3"), std::string::npos) << "the weight's source";
  EXPECT_NE(r.out.find("3 users"), std::string::npos) << "users from [nest]:\n" << r.out;
  auto counts = target.counts();
  EXPECT_EQ(counts["GET /items/1"], 0u) << "Heavy (weight 0) never ran";
  EXPECT_GT(counts["GET /items/2"], 0u);

  std::ofstream(dir + "/nest.ini") << "[weights]\nHeavy = 0\nLight = 0\n";
  auto none = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/weighted", "--config",
                        dir + "/nest.ini", "-H", target.url()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no taskset with a positive weight"), std::string::npos) << none.err;
}

TEST(Cli, FastTransportSaysWhatItCannotServe) {
  auto bogus = nest_run(
      {"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", "http://x", "--transport", "quick"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("--transport: 'quick' is not a transport (curl or fast)"),
            std::string::npos)
      << bogus.err;

  // A proxy in the environment: curl would use it; the fast transport fails every request
  // saying so, never silently going direct.
  DemoTarget target;
  setenv("http_proxy", "http://127.0.0.1:1", 1);
  auto proxied = nest_run({"--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", target.url(),
                           "--transport", "fast", "-t", "1s", "--only-summary"});
  unsetenv("http_proxy");
  EXPECT_EQ(proxied.exit_code, 1);
  EXPECT_NE(proxied.out.find("a proxy is set (http_proxy=http://127.0.0.1:1) and the fast "
                             "transport connects directly: use --transport=curl"),
            std::string::npos)
      << proxied.out;
  EXPECT_EQ(target.counts()["GET /items"], 0u);
}

TEST(Cli, DemoTargetSaysWhyItCannotListen) {
  DemoTarget target;
  auto busy =
      run_process({NEST_BIN_DIR "/nest-demo-target", "--port", std::to_string(target.port())}, 20);
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_EQ(busy.err,
            "nest-demo-target: cannot listen on 127.0.0.1:" + std::to_string(target.port()) +
                " (bind): Address already in use: another program listens on that "
                "port (try --port 0 for a free one)\n");
  auto bad = run_process({NEST_BIN_DIR "/nest-demo-target", "--bind", "localhost"}, 20);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "nest-demo-target: --bind localhost: not an IP address\n");
}

TEST(Cli, ListShowsTasksetsAndTasks) {
  auto r = nest_host({"--taskset-dir", NEST_EXAMPLE_PLUGINS, "--list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("ExampleModel  (weight 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("browse"), std::string::npos);
  EXPECT_NE(r.out.find("71.4%"), std::string::npos) << "5 of 7 task weight";
}

}  // namespace
}  // namespace nest::test
