// Distributed runs on loopback: a master (nest-host --master) and workers (nest-host --worker)
// as real processes against the demo target. The merged counts equal the server's own; the
// master's weights rule on every worker; the master follows stages and shares arrival rates;
// a worker joining during the run gets a share; a worker that does not match is refused, and a
// master whose workers never come says so; Ctrl-C on the master stops every worker with every
// result counted. Faults (a worker killed or frozen, the master gone): cluster_faults_test.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster_run.h"
#include "demo_target.h"

namespace nest::test {
namespace {

std::future<ProcessResult> start(std::vector<std::string> args, double timeout = 60,
                                 std::vector<TimedSignal> signals = {}) {
  return start_nest_host(std::move(args), timeout, std::move(signals));
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
  auto joined = start_workers(3, port, NEST_TEST_PLUGINS "/weighted", dir);
  ProcessResult m = master.get();
  std::vector<ProcessResult> w;
  std::string workers_said;
  for (auto& f : joined) {
    w.push_back(f.get());
    workers_said += "\n[worker, exit " + std::to_string(w.back().exit_code) + "]\n" +
                    w.back().out + w.back().err;
  }
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err << workers_said;
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
  // Each row's merged histogram is the one built from every worker's own samples (each worker
  // wrote its own result): the same buckets, count, min and max, to the byte.
  std::map<std::string, std::map<std::int64_t, std::int64_t>> buckets;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> extremes;  // min, max
  std::map<std::string, std::int64_t> counts;
  for (int i = 0; i < 3; ++i) {
    auto own = result_in(dir + "/worker-" + std::to_string(i) + ".json");
    for (const auto& r : own.at("rows").as_array()) {
      std::string row = std::string(r.at("method").as_string()) + " " + std::string(r.at("name").as_string());
      const auto& h = r.at("histogram").as_object();
      counts[row] += h.at("count").as_int64();
      for (const auto& b : h.at("buckets").as_array()) {
        buckets[row][b.as_array()[0].as_int64()] += b.as_array()[1].as_int64();
      }
      auto [at, fresh] = extremes.try_emplace(row, h.at("min_us").as_int64(), h.at("max_us").as_int64());
      if (!fresh) {
        at->second.first = std::min(at->second.first, h.at("min_us").as_int64());
        at->second.second = std::max(at->second.second, h.at("max_us").as_int64());
      }
    }
  }
  auto merged = result_in(dir + "/run.json");
  std::size_t rows = 0;
  for (const auto& r : merged.at("rows").as_array()) {
    std::string row = std::string(r.at("method").as_string()) + " " + std::string(r.at("name").as_string());
    boost::json::array expected_buckets;
    for (const auto& [index, n] : buckets[row]) expected_buckets.push_back({index, n});
    boost::json::object expected{{"count", counts[row]},
                                 {"min_us", extremes[row].first},
                                 {"max_us", extremes[row].second},
                                 {"buckets", expected_buckets}};
    EXPECT_EQ(boost::json::serialize(r.at("histogram")), boost::json::serialize(expected)) << row;
    ++rows;
  }
  EXPECT_EQ(rows, 2u) << "GET /items/1 and GET /items/2";
  EXPECT_EQ(rows, buckets.size());
}

TEST(Cluster, AWorkerWithOtherTasksetsIsRefusedAndTheMasterSaysWhoNeverCame) {
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "1", "--expect-workers-max-wait", "3s", "-H",
                       "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/weighted",
                       "-t", "2s", "--json", dir + "/run.json"});
  auto worker = start_workers(1, port, NEST_TEST_PLUGINS "/counting");
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
  EXPECT_FALSE(std::filesystem::exists(dir + "/run.json")) << "nothing measured, nothing written";
}

// The master's --tags and --exclude-tags rule on every worker (its plan carries them, as its
// weights); a worker given them, a --stop-timeout or a number of users is told they are the
// master's.
TEST(Cluster, TheMastersTagsRuleOnEveryWorker) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  std::string plugins = NEST_TEST_PLUGINS "/tagged";
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir", plugins,
                       "-u", "4", "-r", "40", "-t", "2s", "--only-summary", "--tags",
                       "buy,browse", "--exclude-tags", "slow", "--json", dir + "/run.json"});
  auto workers = start_workers(2, port, plugins);
  ProcessResult m = master.get();
  for (auto& w : workers) EXPECT_EQ(w.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_GT(target.count("GET /items"), 0u) << "browse is tagged browse";
  EXPECT_EQ(target.count("GET /items/"), 0u) << "buy is also slow: excluded";
  EXPECT_EQ(target.count("GET /status/"), 0u) << "OnlySlow is left out";
  EXPECT_EQ(target.counts().count("GET /"), 0u) << "untagged tasks do not run under --tags";
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));

  for (std::vector<std::string> flag : {std::vector<std::string>{"--tags", "buy"},
                                        {"--exclude-tags", "slow"},
                                        {"--stop-timeout", "5s"},
                                        {"--drain-timeout", "1s"},
                                        {"-u", "5"}}) {
    std::vector<std::string> args = {"--worker", "--master-port", "1", "--taskset-dir", plugins};
    args.insert(args.end(), flag.begin(), flag.end());
    ProcessResult w = start(args).get();
    EXPECT_EQ(w.exit_code, 2) << flag[0];
    EXPECT_NE(w.err.find(flag[0] + " is the master's (its plan gives it to every worker): give "
                                   "it to the master, not to --worker"),
              std::string::npos)
        << w.err;
  }
}

TEST(Cluster, CtrlCOnTheMasterStopsEveryWorkerAndKeepsEveryResult) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/counting", "-u", "4", "-r", "40", "--only-summary",
                       "--json", dir + "/run.json"},
                      60, {{2.5, SIGINT, "Worker 2 of 2 joined"}});
  auto joined = start_workers(2, port, NEST_TEST_PLUGINS "/counting");
  ProcessResult m = master.get();
  for (auto& f : joined) EXPECT_EQ(f.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  std::uint64_t counted = requests_in(dir + "/run.json");
  EXPECT_GT(counted, 0u);
  EXPECT_EQ(counted, target.count(""));
}

// Stages on a master: it follows the plan on its own clock and steers each worker to its
// share; the timeline has the stages' marks and the users they asked for, and the run ends
// with its last stage.
TEST(Cluster, AMasterFollowsStagesAndSteersEveryWorker) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/counting", "--stages", "1s:6, 3s:6, 1s:2",
                       "--only-summary", "--json", dir + "/run.json"});
  auto joined = start_workers(2, port, NEST_TEST_PLUGINS "/counting");
  ProcessResult m = master.get();
  for (auto& f : joined) EXPECT_EQ(f.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  auto result = result_in(dir + "/run.json");
  auto first = marks_with(result, "stage 1/3"), hold = marks_with(result, "stage 2/3"),
       last = marks_with(result, "stage 3/3");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(hold.size(), 1u);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_LT(first[0], hold[0]);
  EXPECT_LT(hold[0], last[0]);
  // The hold's seconds, after the first report of it came in: 6 users, 3 on each worker.
  auto users = users_between(result, hold[0] + 1, last[0]);
  ASSERT_FALSE(users.empty());
  for (auto u : users) EXPECT_EQ(u, 6u);
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));
}

// The open model on a master: each of 2 workers gets half the arrival rate, so the sessions
// started add up to the whole rate's.
TEST(Cluster, AMasterSharesAnArrivalRate) {
  DemoTarget target;
  std::string dir = temp_dir();
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/visit", "--arrival-rate", "40/s", "-t", "3s",
                       "--only-summary", "--json", dir + "/run.json"});
  auto joined = start_workers(2, port, NEST_TEST_PLUGINS "/visit");
  ProcessResult m = master.get();
  for (auto& f : joined) {
    ProcessResult w = f.get();
    EXPECT_EQ(w.exit_code, 0) << w.err;
    EXPECT_NE(w.out.find(": 20.00 arrivals/s against "), std::string::npos) << w.out;
  }
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  auto result = result_in(dir + "/run.json");
  auto started = result.at("sessions").at("started").to_number<std::uint64_t>();
  EXPECT_GE(started, 114u) << "3 s at 2 x 20/s, each worker's first at once";
  EXPECT_LE(started, 124u);
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));
}

// A worker that joins during the run (a restarted pod, say) gets its share: the others give
// theirs up, so the users stay the plan's, and every request is counted.
TEST(Cluster, AWorkerJoiningDuringTheRunGetsAShareOfTheSameUsers) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "1", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/by_worker", "-u", "4", "-r", "40", "-t", "7s",
                       "--only-summary", "--json", dir + "/run.json"});
  auto first = start_workers(1, port, NEST_TEST_PLUGINS "/by_worker");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // well into the run
  auto late = start_workers(1, port, NEST_TEST_PLUGINS "/by_worker");
  ProcessResult m = master.get();
  EXPECT_EQ(first[0].get().exit_code, 0);
  EXPECT_EQ(late[0].get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_NE((m.out + m.err).find("joined during the run: 2 users at 20.00/s"), std::string::npos)
      << m.out << m.err;
  auto result = result_in(dir + "/run.json");
  const auto& workers = result.at("workers").as_array();
  ASSERT_EQ(workers.size(), 2u);
  EXPECT_EQ(workers[1].at("events").as_array().at(0).at("event").as_string(), "joined");
  auto joined = marks_with(result, " joined");
  ASSERT_EQ(joined.size(), 1u);
  auto users = users_between(result, joined[0] + 1.5, 6);
  ASSERT_FALSE(users.empty());
  for (auto u : users) EXPECT_EQ(u, 4u) << "2 and 2, not 4 and 2";
  auto counted = rows_by_worker(dir + "/run.json");
  auto served = log_by_worker(dir + "/access.log");
  ASSERT_EQ(counted.size(), 2u);
  EXPECT_EQ(counted, served) << "both sent their final reports: every request counted once";
}

// Credentials: a master beyond loopback needs a key; with one, only workers holding it join
// (every message is encrypted); a worker with another key, or none, is told at once, and the
// master says it too. The key is made by nest-host, kept from other users.
TEST(Cluster, AClusterKeyLetsInOnlyTheWorkersHoldingIt) {
  namespace fs = std::filesystem;
  DemoTarget target;
  std::string dir = temp_dir();
  std::string plugins = NEST_TEST_PLUGINS "/counting";
  auto wide = nest_host({"--master", "--bind", "tcp://0.0.0.0:5557", "-H", target.url(),
                         "--taskset-dir", plugins});
  EXPECT_EQ(wide.exit_code, 2);
  EXPECT_NE(wide.err.find("lets other machines reach the master, which hands out the run: give "
                          "--cluster-key FILE too"),
            std::string::npos)
      << wide.err;
  std::string key = dir + "/cluster.key", other = dir + "/other.key";
  ASSERT_EQ(nest_host({"--make-cluster-key", key}).exit_code, 0);
  ASSERT_EQ(nest_host({"--make-cluster-key", other}).exit_code, 0);
  EXPECT_EQ(fs::status(key).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  auto again = nest_host({"--make-cluster-key", key});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("a file is there already"), std::string::npos) << again.err;

  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--cluster-key", key, "--expect-workers", "1", "-H", target.url(),
                       "--taskset-dir", plugins, "-u", "2", "-r", "20", "-t", "2s",
                       "--only-summary", "--json", dir + "/run.json"});
  std::vector<std::string> worker{"--worker", "--master-port", std::to_string(port),
                                  "--taskset-dir", plugins};
  auto none = nest_host(worker, 30);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("wants a key: give this worker the master's --cluster-key"),
            std::string::npos)
      << none.err;
  worker.insert(worker.end(), {"--cluster-key", other});
  auto wrong = nest_host(worker, 30);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("does not take this worker's --cluster-key"), std::string::npos)
      << wrong.err;
  worker.back() = key;
  auto right = nest_host(worker, 30);
  EXPECT_EQ(right.exit_code, 0) << right.err;
  ProcessResult m = master.get();
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("a worker failed the handshake: it holds another --cluster-key, or none"),
            std::string::npos)
      << m.err;
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));

  fs::permissions(key, fs::perms::others_read, fs::perm_options::add);
  auto open = nest_host(worker, 30);
  EXPECT_EQ(open.exit_code, 2);
  EXPECT_NE(open.err.find("can be read by every user of this machine: chmod 600"),
            std::string::npos)
      << open.err;
}

// --processes auto: one process per core, or as many as the users need for each to stay under
// the open-file limit: 10,000 users under a limit of 2,000 files make 6 processes (about 1,936
// users each), counted by the master as they join.
TEST(Cluster, ProcessesAutoKeepsEachProcessUnderTheOpenFileLimit) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = run_process({"/bin/sh", "-c",
                          "ulimit -n 2000 && exec " NEST_BIN_DIR "/nest-host --yes --processes auto "
                          "-H " + target.url() + " --taskset-dir " NEST_TEST_PLUGINS "/counting "
                          "-u 10000 -r 1 -t 2s --only-summary --json " + dir + "/run.json"},
                         60);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("waiting for 6 worker(s)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Worker 6 of 6 joined"), std::string::npos) << run.out;
  EXPECT_EQ(requests_in(dir + "/run.json"), target.count(""));
}

// Run hooks in a distributed run: once, on the master: on_test_start before any worker's first
// request, on_test_stop after every worker's last; their requests count in the merged totals.
// Ctrl-C on the master (the hooks' own run must not take it) stops every worker first.
TEST(Cluster, RunHooksRunOnceOnTheMasterAroundEveryWorker) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  int port = closed_port();
  auto master = start({"--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                       "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                       NEST_TEST_PLUGINS "/run_hooks", "-u", "4", "-r", "40", "-t", "60s",
                       "--only-summary", "--json", dir + "/run.json"},
                      60, {{2.5, SIGINT, "Worker 2 of 2 joined"}});
  auto joined = start_workers(2, port, NEST_TEST_PLUGINS "/run_hooks");
  ProcessResult m = master.get();
  for (auto& f : joined) EXPECT_EQ(f.get().exit_code, 0);
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  std::vector<std::string> lines = read_lines(dir + "/access.log");
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), "POST /login?hook=start") << "before any worker's request";
  EXPECT_EQ(lines.back(), "POST /logout?hook=stop") << "after every worker's request";
  EXPECT_EQ(target.count("POST /login"), 1u) << "once per run, not per worker";
  EXPECT_EQ(target.count("POST /logout"), 1u);
  auto result = result_in(dir + "/run.json");
  std::uint64_t cut = 0;
  for (const auto& c : result.at("cut").as_array()) cut += c.at("requests").to_number<std::uint64_t>();
  EXPECT_EQ(requests_in(dir + "/run.json") + cut, target.count("")) << "the hooks' requests too";
}

// A start hook that throws on the master: no worker gets a plan (each is told why), no user
// request reaches the server, on_test_stop still cleans up, and the result says why.
TEST(Cluster, AFailingStartHookSendsNoWorkerAPlan) {
  std::string dir = temp_dir();
  DemoTarget target;
  int port = closed_port();
  auto master = std::async(std::launch::async, [&] {
    return run_process({"/usr/bin/env", "NEST_TEST_HOOK_FAILS=1", NEST_BIN_DIR "/nest-host",
                        "--yes", "--master", "--bind", "tcp://127.0.0.1:" + std::to_string(port),
                        "--expect-workers", "2", "-H", target.url(), "--taskset-dir",
                        NEST_TEST_PLUGINS "/run_hooks", "-u", "4", "-r", "40", "-t", "5s",
                        "--only-summary", "--json", dir + "/run.json"});
  });
  auto joined = start_workers(2, port, NEST_TEST_PLUGINS "/run_hooks");
  ProcessResult m = master.get();
  EXPECT_EQ(m.exit_code, 1) << m.out << m.err;
  for (auto& f : joined) {
    ProcessResult w = f.get();
    EXPECT_EQ(w.exit_code, 1);
    EXPECT_NE(w.err.find("the run did not start: Seed.on_test_start threw: no admin account"),
              std::string::npos)
        << w.err;
  }
  EXPECT_EQ(target.count("GET /items"), 0u) << "no user started";
  EXPECT_EQ(target.count("POST /logout"), 1u) << "on_test_stop still cleans up";
  EXPECT_NE(std::string(result_in(dir + "/run.json").at("run").at("aborted_by").as_string())
                .find("no admin account"),
            std::string::npos);
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
