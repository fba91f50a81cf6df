// Runs that change while they go: the control surface, stages, load shapes and the open model,
// on the engine's manual clock (exact counts at exact moments), against a real demo target.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "demo_target.h"
#include "engine/arrival_plan.h"
#include "engine_run.h"

namespace nest::test {
namespace {
using namespace std::chrono_literals;

// The users in each interval at 1 s, 2 s, ... (the final one left out).
std::vector<std::uint64_t> users_per_second(const EngineRun& run) {
  std::vector<std::uint64_t> users;
  for (const auto& i : run.intervals) {
    if (!i.final) users.push_back(i.users);
  }
  return users;
}

TEST(EngineLoadPlan, UsersGoUpAndDownThroughTheControlSurfaceKeepingTheMix) {
  DemoTarget target;
  auto settings = quick_settings(target.url(), 40, 1000, 6s);
  Simulation sim;
  // At 2.05 s a person asks for 8 users, removed 16 a second (one at once).
  sim.at.push_back({2050ms, [](host::Run& run) { run.set_target(host::UsersTarget{8, 16}); }});
  std::map<std::string, std::uint64_t> at_5s;
  sim.at.push_back({5000ms, [&](host::Run&) { at_5s = target.counts(); }});
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/mix", settings, sim);

  // 40 users; 16 have left by 3 s, all 32 by 4 s (the last at 3.9875 s).
  EXPECT_EQ(users_per_second(run), (std::vector<std::uint64_t>{40, 40, 24, 8, 8, 8}));
  // Every user that left ran on_stop, before the end and at it.
  // (Mostly users join at /items/11 and leave at /items/21; Rarely's at /items/12 and /22.)
  std::uint64_t left_early = at_5s["GET /items/21"] + at_5s["GET /items/22"];
  EXPECT_EQ(left_early, 32u);
  auto server = target.counts();
  EXPECT_EQ(server["GET /items/21"] + server["GET /items/22"], 40u);
  // The 8 that stay keep the weights' 3:1, whatever the first 40 drew: 6 Mostly, 2 Rarely.
  EXPECT_EQ(at_5s["GET /items/11"] + at_5s["GET /items/12"], 40u);
  EXPECT_EQ(at_5s["GET /items/11"] - at_5s["GET /items/21"], 6u);
  EXPECT_EQ(at_5s["GET /items/12"] - at_5s["GET /items/22"], 2u);
  EXPECT_EQ(run.summary.total.failures, 0u);
  EXPECT_EQ(run.intervals[3].target, 8);
  EXPECT_EQ(run.intervals[1].target, 40);
}

TEST(EngineLoadPlan, StagesRampHoldAndRampDown) {
  DemoTarget target;
  host::RunSettings settings = quick_settings(target.url(), 1, 1, 0ms);
  settings.stages = {{2000ms, 8}, {2000ms, 8}, {2000ms, 0}};
  settings.run_time = 6000ms;
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/mix", settings);
  // 0 to 8 in 2 s is 4 a second, the first at once: 5 at 1 s, 8 at 2 s; held; the ramp down
  // starts at 4 s with one at once, then 4 a second: 4 left by 5 s. (A user who leaves at the
  // very moment of a count still finishes its task: it counts.)
  auto users = users_per_second(run);
  ASSERT_GE(users.size(), 5u);
  EXPECT_EQ(std::vector<std::uint64_t>(users.begin(), users.begin() + 5),
            (std::vector<std::uint64_t>{5, 8, 8, 8, 4}));
  std::vector<double> targets;
  for (std::size_t i = 0; i < 5; ++i) targets.push_back(run.intervals[i].target);
  EXPECT_EQ(targets, (std::vector<double>{8, 8, 8, 0, 0}));
  ASSERT_EQ(run.timeline.marks.size(), 3u);
  EXPECT_EQ(run.timeline.marks[1].t, 2.0);
  EXPECT_EQ(run.timeline.marks[1].label, "stage 2/3: 8 to 8 users in 2 s");
  EXPECT_EQ(run.timeline.marks[2].t, 4.0);
  EXPECT_FALSE(run.outcome.interrupted) << "the plan ended it";
  EXPECT_DOUBLE_EQ(run.outcome.elapsed.count(), 6.0);
}

// A run of the test plugins' load shape `shape`: no run time (the shape ends it).
EngineRun shaped(const DemoTarget& target, const std::string& shape) {
  host::RunSettings settings = quick_settings(target.url(), 1, 1, 0ms);
  settings.run_time.reset();
  Simulation sim;
  sim.shape = shape;
  return simulate_folder(NEST_TEST_PLUGINS "/shapes", settings, sim);
}

TEST(EngineLoadPlan, ALoadShapeInAPluginDrivesTheUsers) {
  DemoTarget target;
  EngineRun run = shaped(target, "Steps");
  // 6 users until 2 s (the 4 leaving at 2 s still count then), then 2; at 4 s the shape says
  // it is done.
  EXPECT_EQ(users_per_second(run), (std::vector<std::uint64_t>{6, 6, 2, 2}));
  EXPECT_DOUBLE_EQ(run.outcome.elapsed.count(), 4.0);
  EXPECT_TRUE(run.outcome.ended_by.empty());
  EXPECT_GT(run.summary.total.requests, 100u);
  EXPECT_EQ(run.summary.total.failures, 0u);
  EXPECT_EQ(run.summary.total.requests, target.count("GET /"));
}

TEST(EngineLoadPlan, AThrowingShapeEndsTheRunAndKeepsWhatWasMeasured) {
  DemoTarget target;
  EngineRun run = shaped(target, "Thrower");
  EXPECT_EQ(run.outcome.ended_by, "load shape Thrower: tick() threw: no plan after 2 s");
  ASSERT_FALSE(run.notices.empty());
  EXPECT_EQ(run.notices[0], "load shape Thrower: tick() threw: no plan after 2 s: the run stops");
  EXPECT_DOUBLE_EQ(run.outcome.elapsed.count(), 2.0);
  // 3 users for 2 s, one request every 100 ms each: all of them counted.
  EXPECT_GE(run.summary.total.requests, 3u * 20);
  EXPECT_EQ(run.summary.total.requests, target.count("GET /"));
}

TEST(ArrivalPlan, PoissonArrivalsKeepTheMeanRate) {
  host::ArrivalPlan plan(host::Arrivals::kPoisson, 42);
  plan.aim(0, 100, 0);
  std::uint64_t arrivals = 0;
  double gaps_over_a_mean = 0;  // an exponential's: P(gap > mean) = 1/e
  double last = 0;
  for (auto at = plan.next(); at && *at < 1000; at = plan.next()) {
    ++arrivals;
    if (*at - last > 0.01) ++gaps_over_a_mean;
    last = *at;
    plan.consume();
  }
  // 100,000 expected; a Poisson count's standard deviation is 316.
  EXPECT_NEAR(static_cast<double>(arrivals), 100000, 1000);
  EXPECT_NEAR(gaps_over_a_mean / static_cast<double>(arrivals), 0.3679, 0.01);
}

TEST(ArrivalPlan, AConstantRateIsEvenlySpacedFromTheStart) {
  host::ArrivalPlan plan(host::Arrivals::kConstant, 1);
  plan.aim(0, 4, 0);
  std::vector<double> at;
  for (int i = 0; i < 5; ++i) {
    at.push_back(*plan.next());
    plan.consume();
  }
  EXPECT_EQ(at, (std::vector<double>{0, 0.25, 0.5, 0.75, 1.0}));
  plan.aim(1.1, 0, 0);  // stopped: no more arrivals
  EXPECT_FALSE(plan.next());
}

host::RunSettings open_settings(const std::string& url, double rate, std::chrono::milliseconds t) {
  host::RunSettings settings = quick_settings(url, 1, 1, t);
  settings.model = host::LoadModel::kOpen;
  settings.arrival_rate = rate;
  return settings;
}

TEST(EngineLoadPlan, SessionsArriveAtTheRate) {
  DemoTarget target;
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/visit", open_settings(target.url(), 20, 3s));
  // Evenly spaced, the first at once: at 0, 0.05, ..., 2.95 s, 60 in 3 s; each made one
  // request. The first second's count takes both ends, [0, 1]; the last second's neither.
  std::vector<std::uint64_t> started;
  for (const auto& i : run.intervals) started.push_back(i.sessions_started);
  EXPECT_EQ(started, (std::vector<std::uint64_t>{21, 20, 19, 0}));
  EXPECT_EQ(run.totals.start_lag.requests, 60u);
  EXPECT_EQ(run.totals.start_lag.times.max(), 0u) << "no lag on the engine's own clock";
  EXPECT_EQ(target.count("GET /items"), 60u);
  EXPECT_EQ(run.totals.dropped, 0u);
  EXPECT_EQ(run.intervals[0].target, 20);
}

TEST(EngineLoadPlan, RateStagesRampTheArrivals) {
  DemoTarget target;
  host::RunSettings settings = open_settings(target.url(), 0, 4s);
  settings.stages = {{2000ms, 20}, {2000ms, 20}};  // 0 to 20/s in 2 s, then 20/s for 2 s
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/visit", settings);
  // The rate's integral is 5 t^2 over the ramp (20 by 2 s), then 20 a second (60 by 4 s): an
  // arrival each time it passes a whole number, from 0 (at once) to 59.
  std::uint64_t started = 0;
  for (const auto& i : run.intervals) started += i.sessions_started;
  EXPECT_EQ(started, 60u);
  EXPECT_EQ(run.intervals[0].sessions_started, 6u) << "0 to 5 by 1 s";
  EXPECT_EQ(run.intervals[1].sessions_started, 15u) << "6 to 20 by 2 s";
}

TEST(EngineLoadPlan, ArrivalsFindingNoRoomAreDroppedAndCounted) {
  DemoTarget target;
  host::RunSettings settings = open_settings(target.url(), 20, 3s);
  settings.max_users = 5;
  settings.stop_timeout = 0s;
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/long_visit", settings);
  // Sessions stay 10 s: the first 5 take every place; the other 55 of the 60 are dropped.
  EXPECT_EQ(run.totals.start_lag.requests, 5u);
  EXPECT_EQ(run.totals.dropped, 55u);
  EXPECT_EQ(run.totals.start_lag.requests + run.totals.dropped, 60u) << "target - started";
  std::vector<std::uint64_t> dropped;
  for (const auto& i : run.intervals) dropped.push_back(i.dropped);
  EXPECT_EQ(dropped, (std::vector<std::uint64_t>{16, 20, 19, 0}));
}

// On real time: a system that takes 1 s to answer does not slow the arrivals; sessions pile up
// instead (a closed model's users would wait).
TEST(EngineLoadPlan, AnOpenModelKeepsItsRateAgainstASlowSystem) {
  DemoTarget target;
  host::RunSettings settings = open_settings(target.url(), 20, 3s);
  settings.stop_timeout = 5s;
  EngineRun run = run_folder(NEST_TEST_PLUGINS "/slow_visit", settings);
  std::uint64_t started = run.totals.start_lag.requests;
  EXPECT_GE(started, 55u) << "60 due in 3 s";
  EXPECT_LE(started, 61u);
  ASSERT_GE(run.intervals.size(), 3u);
  EXPECT_GE(run.intervals[1].users, 15u) << "about 20 sessions wait for their answers at once";
  EXPECT_EQ(target.count("GET /slow"), started) << "every session's request was answered";
}

// On real time: when nest-host itself cannot keep the schedule, sessions start late and the
// run says so.
TEST(EngineLoadPlan, SessionsStartingLateAreNamedAsTheGeneratorsFault) {
  DemoTarget target;
  host::RunSettings settings = open_settings(target.url(), 100, 3s);
  settings.threads = 1;
  EngineRun run = run_folder(NEST_TEST_PLUGINS "/hog_visit", settings);
  bool warned = false;
  for (const auto& n : run.notices)
    warned = warned || n.starts_with("warning: sessions start late");
  EXPECT_TRUE(warned) << "20 ms of CPU per session at 100 a second is 2 s a second";
  EXPECT_GE(run.totals.start_lag.times.percentile(0.99), 50'000u);
}

// The control surface from another thread while the run goes (TSan checks this one).
TEST(EngineLoadPlan, TheControlSurfaceWorksFromAnotherThread) {
  DemoTarget target;
  auto settings = quick_settings(target.url(), 2, 100, 3s);
  host::Discovery discovery = host::discover_plugins(NEST_TEST_PLUGINS "/mix");
  std::vector<host::TasksetType> tasksets;
  for (const auto& t : discovery.tasksets) tasksets.push_back(t.type);
  struct Quiet final : host::RunObserver {
    std::atomic<std::uint64_t> most_users{0};
    bool on_interval(const host::IntervalReport& r) override {
      most_users = std::max<std::uint64_t>(most_users, r.interval.users);
      return false;
    }
    void on_notice(const std::string&) override {}
  } observer;
  host::Run run(tasksets, settings, observer);
  std::thread steer([&] {
    std::uint64_t seen = 0;
    while (seen == 0) {
      seen = run.snapshot().total.requests;
      std::this_thread::sleep_for(10ms);
    }
    run.set_target(host::UsersTarget{10, 1000});
  });
  host::RunOutcome outcome = run.go();
  steer.join();
  EXPECT_EQ(observer.most_users.load(), 10u);
  EXPECT_GT(run.snapshot().total.requests, 0u);
  EXPECT_FALSE(outcome.interrupted);
}

}  // namespace
}  // namespace nest::test
