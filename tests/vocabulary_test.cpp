// The taskset vocabulary Locust users reach for, end to end against the demo target: tags
// (--tags, --exclude-tags, --list), sequences (SequentialTaskSet, in the server's own log) and
// measurements that are not HTTP (nest/measure.h) in every output and in thresholds.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "demo_target.h"
#include "engine_run.h"
#include "process.h"

namespace nest::test {
namespace {
namespace json = boost::json;

const json::object* row(const json::object& result, const std::string& method,
                        const std::string& name) {
  for (const auto& r : result.at("rows").as_array()) {
    if (r.at("method").as_string() == method && r.at("name").as_string() == name) {
      return &r.as_object();
    }
  }
  return nullptr;
}

TEST(Tags, ListShowsThemAndWhatTheFilterLeavesOut) {
  auto list = nest_host({"--taskset-dir", NEST_TEST_PLUGINS "/tagged", "--list", "--tags", "buy"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("tags: buy, slow"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("off (--tags)"), std::string::npos) << "browse is not tagged buy\n"
                                                                 << list.out;
}

TEST(Tags, SpacesOrCommasSeparateThem) {
  auto list = nest_host({"--taskset-dir", NEST_TEST_PLUGINS "/tagged", "--list", "--exclude-tags",
                         "browse  slow"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::size_t off = 0;
  for (auto at = list.out.find("off (--tags)"); at != std::string::npos;
       at = list.out.find("off (--tags)", at + 1)) {
    ++off;
  }
  EXPECT_EQ(off, 3u) << "browse, buy (slow) and OnlySlow's report\n" << list.out;
}

TEST(Tags, OnlyTheTaggedTasksRunAndATasksetLeftWithNoneIsLeftOut) {
  DemoTarget target;
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/tagged", "-u", "4",
                       "-r", "40", "-t", "2s", "--only-summary", "--tags", "buy,browse",
                       "--exclude-tags", "slow"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("taskset OnlySlow has no task left by --tags/--exclude-tags"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find("Tasks: only those tagged buy, browse"), std::string::npos) << run.out;
  EXPECT_GT(target.count("GET /items"), 0u) << "browse is tagged browse";
  EXPECT_EQ(target.count("GET /items/"), 0u) << "buy is also slow: excluded";
  EXPECT_EQ(target.count("GET /status/"), 0u) << "OnlySlow is left out";
  auto counts = target.counts();
  EXPECT_EQ(counts.count("GET /"), 0u) << "untagged tasks do not run under --tags";
}

TEST(Tags, NoTasksetLeftIsAUsageError) {
  auto run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/tagged",
                       "-t", "1s", "--tags", "nothing-has-this"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("no taskset with a positive weight"), std::string::npos) << run.err;
}

TEST(Sequence, StepsRunInTheOrderWrittenAsTheServersLogShows) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/sequence", "-u",
                       "1", "-r", "1", "-t", "1s", "--exclude-tags", "never", "--only-summary"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<std::string> steps;
  for (const std::string& line : read_lines(dir + "/access.log")) {
    auto at = line.find("step=");
    ASSERT_NE(at, std::string::npos) << line;
    steps.push_back(line.substr(at + 5));
  }
  ASSERT_GE(steps.size(), 7u) << "on_start and two rounds at least";
  EXPECT_EQ(steps[0], "start") << "on_start first";
  for (std::size_t i = 1; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i], std::to_string((i - 1) % 3 + 1)) << "request " << i << " of the log";
  }
  EXPECT_EQ(target.count(""), steps.size()) << "the log holds every request the server counted";
}

// The `in=` of each request in the demo target's log, in order.
std::vector<std::string> places(const std::string& log_file) {
  std::vector<std::string> out;
  for (const std::string& line : read_lines(log_file)) {
    auto at = line.find("in=");
    out.push_back(at == std::string::npos ? line : line.substr(at + 3));
  }
  return out;
}

TEST(Nesting, AChildTasksetRunsBetweenItsStartAndStopThenTheParentGoesOn) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/nested", "-u", "1",
                       "-r", "1", "-t", "2s", "--only-summary", "--json", dir + "/run.json"});
  EXPECT_EQ(run.exit_code, 1) << "the child's exception is counted\n" << run.out << run.err;
  std::vector<std::string> seen = places(dir + "/access.log");
  std::size_t entered = 0, site_after_child = 0;
  bool inside = false;
  // The run's stop may come while the user is in the forum: then its on_stop runs at once.
  std::size_t last_stop = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (seen[i] == "forum-stop") last_stop = i;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::string& p = seen[i];
    if (p == "forum-start") {
      EXPECT_FALSE(inside) << "request " << i << ": entered twice";
      inside = true;
      ++entered;
    } else if (p == "forum-stop") {
      EXPECT_TRUE(inside) << "request " << i;
      EXPECT_TRUE(i == last_stop || seen[i - 1] == "forum-leave")
          << "request " << i << ": on_stop follows the interrupt";
      inside = false;
    } else if (p == "forum" || p == "forum-leave") {
      EXPECT_TRUE(inside) << "request " << i << ": the child's task outside the child";
    } else {
      EXPECT_EQ(p, "site") << "request " << i;
      EXPECT_FALSE(inside) << "request " << i << ": the parent ran inside the child";
      site_after_child += entered > 0;
    }
  }
  EXPECT_GE(entered, 2u) << "the forum task ran a few times in 2 s";
  EXPECT_GT(site_after_child, 0u) << "the parent went on after the child";
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  bool labelled = false;
  for (const auto& e : result.at("exceptions").as_array()) {
    labelled = labelled || (e.at("taskset").as_string() == "Site > forum" &&
                            e.at("task").as_string() == "oops" &&
                            e.at("message").as_string() == "the forum broke");
  }
  EXPECT_TRUE(labelled) << json::serialize(result.at("exceptions"));
}

TEST(FixedCount, OneAdminWhateverTheUsersAndTheWeightsShareTheRest) {
  DemoTarget target;
  // On the engine's clock held still, so each second's users are exact: 4 users, then 2, 1
  // and 5 (the changes half-way through seconds 3, 4 and 5).
  host::RunSettings settings = quick_settings(target.url(), 4, 100, std::chrono::seconds(6));
  Simulation simulation;
  for (auto [at, users] : {std::pair{2500, 2}, {3500, 1}, {4500, 5}}) {
    simulation.at.push_back({std::chrono::milliseconds(at), [users](host::Run& run) {
                               run.set_target(host::UsersTarget{static_cast<std::uint64_t>(users), 100});
                             }});
  }
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/fixed", settings, simulation);
  ASSERT_GE(run.intervals.size(), 5u);
  auto at = [&](std::size_t second) { return run.intervals[second - 1].visiting; };
  using Users = std::map<std::string, std::uint64_t>;
  EXPECT_EQ(at(1), (Users{{"Admin", 1}, {"Customer", 3}})) << "its weight of 100 does not count";
  EXPECT_EQ(at(2), (Users{{"Admin", 1}, {"Customer", 3}}));
  EXPECT_EQ(at(3), (Users{{"Admin", 1}, {"Customer", 1}})) << "the others leave first";
  EXPECT_EQ(at(4), (Users{{"Admin", 1}}));
  EXPECT_EQ(at(5), (Users{{"Admin", 1}, {"Customer", 4}})) << "never a second admin";
  EXPECT_GT(target.count("GET /status/203"), 0u);
}

TEST(FixedCount, TheOpenModelRefusesIt) {
  auto run = nest_run({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/fixed",
                       "--arrival-rate", "5", "-t", "1s"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("Admin has a fixed_count"), std::string::npos) << run.err;
}

TEST(RunHooks, StartBeforeTheFirstUserAndStopAfterTheLastOncePerRun) {
  std::string dir = temp_dir();
  DemoTarget target(false, {"--log", dir + "/access.log"});
  auto run = nest_run({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/run_hooks", "-u",
                       "6", "-r", "60", "-t", "2s", "--threads", "3", "--only-summary", "--json",
                       dir + "/run.json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Run hooks Seed"), std::string::npos) << "the confirmation says so";
  std::vector<std::string> lines = read_lines(dir + "/access.log");
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), "POST /login?hook=start") << "before any user's request";
  EXPECT_EQ(lines.back(), "POST /logout?hook=stop") << "after every user's request";
  EXPECT_EQ(target.count("POST /login"), 1u) << "once per run, not per user or thread";
  EXPECT_EQ(target.count("POST /logout"), 1u);
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  std::uint64_t cut = 0;
  for (const auto& c : result.at("cut").as_array()) cut += c.at("requests").to_number<std::uint64_t>();
  EXPECT_EQ(result.at("aggregated").at("requests").to_number<std::uint64_t>() + cut,
            target.count(""))
      << "the hooks' requests count too";
}

TEST(RunHooks, AFailingStartStopsTheRunBeforeAnyUser) {
  std::string dir = temp_dir();
  DemoTarget target;
  auto run = run_process({"/usr/bin/env", "NEST_TEST_HOOK_FAILS=1", NEST_BIN_DIR "/nest-host",
                          "--yes", "-H", target.url(), "--taskset-dir",
                          NEST_TEST_PLUGINS "/run_hooks", "-u", "4", "-r", "40", "-t", "5s",
                          "--only-summary", "--json", dir + "/run.json"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("Seed.on_test_start threw: no admin account: the run stops before any "
                         "user starts"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(target.count("GET /items"), 0u) << "no user started";
  EXPECT_EQ(target.count("POST /logout"), 1u) << "on_test_stop still cleans up";
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  EXPECT_NE(result.at("run").at("aborted_by").as_string().find("no admin account"),
            std::string::npos)
      << "the result says why";
}

TEST(Measure, CustomMeasurementsAreRowsInEveryOutputAndInThresholds) {
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = run_process(
      {"/usr/bin/env", "NEST_TCP_TARGET=127.0.0.1:" + std::to_string(target.port()),
       NEST_BIN_DIR "/nest-host", "--yes", "-H", target.url(), "--taskset-dir",
       NEST_TEST_PLUGINS "/measured", "-u",
       "3", "-r", "30", "-t", "2s", "--only-summary", "--json", dir + "/run.json", "--csv",
       dir + "/run", "--threshold", "grpc GetUser:p50>=2ms", "--threshold",
       "tcp connect:fail_ratio<1%", "--threshold", "db query:fail_ratio<1%"});
  EXPECT_EQ(run.exit_code, 3) << "the db query threshold breaks\n" << run.out << run.err;
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  const json::object* publish = row(result, "queue", "publish");
  ASSERT_NE(publish, nullptr);
  auto requests = [](const json::object* r) { return r->at("requests").to_number<std::uint64_t>(); };
  auto failures = [](const json::object* r) { return r->at("failures").to_number<std::uint64_t>(); };
  EXPECT_GT(requests(publish), 0u);
  EXPECT_EQ(failures(publish) * 2, requests(publish)) << "one of the two each task is a failure";
  const json::object* get_user = row(result, "grpc", "GetUser");
  ASSERT_NE(get_user, nullptr);
  EXPECT_EQ(failures(get_user), 0u);
  EXPECT_GE(get_user->at("figures").at("min_ms").to_number<double>(), 2.0) << "it waited 2 ms";
  const json::object* query = row(result, "db", "query");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(failures(query), requests(query)) << "every query threw";
  const json::object* connect = row(result, "tcp", "connect");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(failures(connect), 0u);
  EXPECT_GE(target.connections(), requests(connect)) << "each connect reached the server";
  EXPECT_TRUE(result.at("exceptions").as_array().empty()) << "measure() counts a failure instead";
  bool failure_listed = false;
  for (const auto& f : result.at("failures").as_array()) {
    failure_listed = failure_listed || (f.at("method").as_string() == "db" &&
                                        f.at("error").as_string() == "no such table: orders");
  }
  EXPECT_TRUE(failure_listed);
  std::vector<std::string> outcomes;
  for (const auto& t : result.at("thresholds").as_array()) {
    outcomes.push_back(std::string(t.at("outcome").as_string()));
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"pass", "pass", "fail"}));
  std::string csv = read_file(dir + "/run_stats.csv");
  EXPECT_NE(csv.find("\ngrpc,GetUser,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nqueue,publish,"), std::string::npos) << csv;
  EXPECT_NE(run.out.find("GetUser"), std::string::npos) << "the console table shows it";
}

}  // namespace
}  // namespace nest::test
