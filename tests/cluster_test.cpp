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

}  // namespace
}  // namespace nest::test
