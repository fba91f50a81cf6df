// Distributed runs on loopback: a master (nest-host --master) and workers (nest-host --worker)
// as real processes against the demo target. The merged counts equal the server's own; the
// master's weights rule on every worker; a worker that does not match is refused, and a master
// whose workers never come says so; Ctrl-C on the master stops every worker with every result
// counted.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "demo_target.h"
#include "process.h"

namespace nest::test {
namespace {

namespace json = boost::json;

std::uint64_t requests_in(const std::string& result_file) {
  auto result = json::parse(read_file(result_file)).as_object();
  return static_cast<std::uint64_t>(result.at("aggregated").as_object().at("requests").as_int64());
}

std::future<ProcessResult> start(std::vector<std::string> args, double timeout = 60,
                                 std::vector<TimedSignal> signals = {}) {
  return std::async(std::launch::async, [=] { return nest_host(args, timeout, signals); });
}

std::vector<std::future<ProcessResult>> workers(int n, int port, const std::string& dir) {
  std::vector<std::future<ProcessResult>> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(start({"--worker", "--master-port", std::to_string(port), "--taskset-dir", dir}));
  }
  return out;
}

TEST(Cluster, AMasterAndThreeWorkersCountWhatTheServerAnsweredWithTheMastersWeights) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  // Reversed weights on the master: Heavy 1, Light 3 (the plugin's own are 3 and 1).
  std::ofstream(dir + "/nest.ini") << "[weights]\nHeavy = 1\nLight = 3\n";
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "3", "--config", dir + "/nest.ini", "-H", target.url(),
                       "--taskset-dir", NEST_TEST_PLUGINS "/weighted", "-u", "10", "-r", "100",
                       "-t", "3s", "--only-summary", "--json", dir + "/run.json"});
  auto joined = workers(3, port, NEST_TEST_PLUGINS "/weighted");
  ProcessResult m = master.get();
  std::vector<ProcessResult> w;
  for (auto& f : joined) w.push_back(f.get());
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  // 10 users over 3 workers: 4, 3 and 3, in join order.
  std::multiset<std::string> shares;
  for (const auto& r : w) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto at = r.out.find(" users at ");
    ASSERT_NE(at, std::string::npos) << r.out;
    shares.insert(r.out.substr(r.out.rfind(' ', at - 1) + 1, at - r.out.rfind(' ', at - 1) - 1));
  }
  EXPECT_EQ(shares, (std::multiset<std::string>{"3", "3", "4"}));
  EXPECT_NE(m.out.find("Worker 3 of 3 joined"), std::string::npos) << m.out;
  std::uint64_t counted = requests_in(dir + "/run.json");
  EXPECT_GT(counted, 1000u);
  EXPECT_EQ(counted, target.count("")) << "every request the server answered, counted once";
  double heavy = static_cast<double>(target.count("GET /items/1"));
  double light = static_cast<double>(target.count("GET /items/2"));
  EXPECT_NEAR(light / heavy, 3.0, 0.5) << "the master's weights, on every worker";
}

TEST(Cluster, AWorkerWithOtherTasksetsIsRefusedAndTheMasterSaysWhoNeverCame) {
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "1", "--expect-workers-max-wait", "3s", "-H",
                       "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/weighted",
                       "-t", "2s", "--json", dir + "/run.json"});
  auto worker = workers(1, port, NEST_TEST_PLUGINS "/counting");
  ProcessResult w = worker[0].get();
  ProcessResult m = master.get();
  EXPECT_EQ(w.exit_code, 1);
  EXPECT_NE(w.err.find("refused it: it lacks the taskset(s) Heavy, Light of the master (it has: "
                       "Counting)"),
            std::string::npos)
      << w.err;
  EXPECT_NE(m.exit_code, 0);
  EXPECT_NE(m.err.find("refused: it lacks the taskset(s) Heavy, Light"), std::string::npos) << m.err;
  EXPECT_NE((m.out + m.err).find("only 0 of 1 workers joined within 3 s (--expect-workers-max-wait)"),
            std::string::npos)
      << m.out << m.err;
}

TEST(Cluster, CtrlCOnTheMasterStopsEveryWorkerAndKeepsEveryResult) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/counting", "-u", "4", "-r", "40", "--only-summary",
                       "--json", dir + "/run.json"},
                      60, {{3.0, SIGINT}});
  auto joined = workers(2, port, NEST_TEST_PLUGINS "/counting");
  ProcessResult m = master.get();
  for (auto& f : joined) EXPECT_EQ(f.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  std::uint64_t counted = requests_in(dir + "/run.json");
  EXPECT_GT(counted, 0u);
  EXPECT_EQ(counted, target.count(""));
}

// Requests by worker: the rows /w/PID of a result file, and the lines "GET /?w=PID" of the
// server's log.
std::map<std::string, std::uint64_t> rows_by_worker(const std::string& result_file) {
  std::map<std::string, std::uint64_t> out;
  auto result = json::parse(read_file(result_file)).as_object();
  for (const auto& r : result.at("rows").as_array()) {
    std::string name(r.at("name").as_string());
    if (name.starts_with("/w/")) out[name.substr(3)] = static_cast<std::uint64_t>(r.at("requests").as_int64());
  }
  return out;
}

std::map<std::string, std::uint64_t> log_by_worker(const std::string& log_file) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream log(read_file(log_file));
  for (std::string line; std::getline(log, line);) {
    auto at = line.find("?w=");
    if (at != std::string::npos) ++out[line.substr(at + 3)];
  }
  return out;
}

// SIGKILL one of two workers 3 s into a 7 s run: the master says it is missing and ends on
// time; the survivor's requests are all counted, the dead one's up to its last report (those
// after it are, honestly, not: the server's log shows them).
TEST(Cluster, AWorkerKilledMidRunIsMissingAndTheRunGoesOnToItsEnd) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/by_worker", "-u", "4", "-r", "40", "-t", "7s",
                       "--only-summary", "--json", dir + "/run.json"});
  auto args = std::vector<std::string>{"--worker", "--master-port", std::to_string(port),
                                       "--taskset-dir", NEST_TEST_PLUGINS "/by_worker"};
  auto survivor = start(args);
  auto killed = start(args, 60, {{3.5, SIGKILL}});
  ProcessResult m = master.get();
  EXPECT_EQ(survivor.get().exit_code, 0);
  EXPECT_EQ(killed.get().exit_code, -1);
  EXPECT_NE(m.err.find("is missing: nothing from it for 5 s"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find("sent no final report"), std::string::npos) << m.err;
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
}

// SIGKILL the master: every worker hears no heartbeat, stops its run, prints its own count and
// exits 1 long before its own run time (60 s).
TEST(Cluster, WorkersStopWhenTheMasterIsGone) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/counting", "-u", "2", "-r", "20", "-t", "60s",
                       "--only-summary"},
                      60, {{2.5, SIGKILL}});
  std::vector<std::future<ProcessResult>> joined;
  for (int i = 0; i < 2; ++i) {
    joined.push_back(start({"--worker", "--master-port", std::to_string(port), "--taskset-dir",
                            NEST_TEST_PLUGINS "/counting"},
                           30));
  }
  EXPECT_EQ(master.get().exit_code, -1);
  for (auto& f : joined) {
    ProcessResult w = f.get();
    EXPECT_EQ(w.exit_code, 1) << "stopped by itself, not killed at the test's 30 s: " << w.err;
    EXPECT_NE(w.err.find("has been silent for 5 s: stopping this worker's run"),
              std::string::npos)
        << w.err;
    EXPECT_NE(w.out.find(" requests, 0 failed, in "), std::string::npos) << w.out;
  }
}

// --processes 2, one of which crashes in plugin code a little into the run: the run goes on
// with the other to its end, the loss is said, and every result is written.
TEST(Cluster, ProcessesTwoWithOneCrashingEndsOnTimeWithResults) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = nest_run({"--processes", "2", "--threads", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/crash_one", "-u", "4", "-r", "40", "-t", "4s",
                       "--only-summary", "--json", dir + "/run.json"},
                      60);
  EXPECT_NE(run.exit_code, -1) << run.err;
  EXPECT_NE(run.out.find("Worker 2 of 2 joined"), std::string::npos) << run.out;
  // In-process crash guard: the crash is in the exceptions and the process exits 4 (under
  // sanitizers, which install no guard, the sanitizer ends it): either way, said.
  EXPECT_NE(run.err.find("nest-host: worker process 2 (pid "), std::string::npos) << run.err;
  std::uint64_t counted = requests_in(dir + "/run.json");
  EXPECT_GT(counted, 100u) << "the other process ran to the end";
  EXPECT_LE(counted, target.count(""));
}

// --processes 2 whose worker processes end before they join (their plugin does not load
// there): the master stops waiting at once and says which, rather than wait a minute.
TEST(Cluster, ProcessesThatEndBeforeJoiningEndTheWaitAtOnce) {
  std::string dir = temp_dir();
  auto run = nest_run({"--processes", "2", "-H", "http://127.0.0.1:1", "--taskset-dir",
                       NEST_TEST_PLUGINS "/bad_on_workers", "-t", "5s", "--json", dir + "/run.json"},
                      50);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find(") exited with status 2 before it joined (0 of 2 had)"),
            std::string::npos)
      << run.err;
  EXPECT_LT(run.seconds, 40) << "not the 60 s of --expect-workers-max-wait";
}

}  // namespace
}  // namespace nest::test
