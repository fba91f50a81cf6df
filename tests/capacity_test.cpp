// A capacity search's parts that need no run: a plateau's verdict from what its hold measured
// (the order of the validity gates and the service level), and the capacity document read back
// exactly as written.
#include <gtest/gtest.h>

#include "capacity/capacity_json.h"
#include "capacity/plateau_judge.h"
#include "capacity/plateau_runner.h"
#include "process.h"
#include "report/result_json.h"

namespace nest::host {
namespace {

using Verdict = PlateauVerdict;

CapacityPlan open_plan(const std::string& slo = "p99<100ms") {
  CapacityPlan plan;
  plan.model = LoadModel::kOpen;
  plan.slo.push_back(parse_threshold(slo, "--slo"));
  return plan;
}

// A 10 s hold at `target`/s whose `n` requests each took `ms`, `started` sessions a second.
PlateauResult plateau(double target, std::uint64_t ms, double started_per_s) {
  PlateauResult p;
  p.number = 1;
  p.target = target;
  p.hold_s = 10;
  p.gates.seconds = 10;
  RowStats& row = p.measured.rows[{"GET", "/items"}];
  auto n = static_cast<std::uint64_t>(started_per_s * 10);
  for (std::uint64_t i = 0; i < n; ++i) {
    ++row.requests;
    row.total_us += ms * 1000;
    row.times.record(ms * 1000);
    ++p.measured.start_lag.requests;
    p.measured.start_lag.times.record(100);  // 0.1 ms late: on time
  }
  p.total = row;
  p.achieved = started_per_s;
  return p;
}

TEST(PlateauJudge, AFastFullyDeliveredPlateauPasses) {
  PlateauResult p = plateau(100, 20, 100);
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kPass);
  EXPECT_TRUE(p.reasons.empty());
  ASSERT_EQ(p.slo.size(), 1u);
  EXPECT_EQ(p.slo[0].outcome, ThresholdVerdict::Outcome::kPass);
}

TEST(PlateauJudge, ABrokenServiceLevelFails) {
  PlateauResult p = plateau(100, 250, 100);
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kFail);
  ASSERT_EQ(p.reasons.size(), 1u);
  EXPECT_EQ(p.reasons[0], "p99<100ms: 250 ms");
}

TEST(PlateauJudge, AFailBelowTheTargetIsStillAFail) {
  // Only 80/s of 100/s were delivered, and even that broke the service level: the system
  // fails at 100/s too.
  PlateauResult p = plateau(100, 250, 80);
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kFail);
  ASSERT_EQ(p.reasons.size(), 2u);
  EXPECT_NE(p.reasons[1].find("it failed below its target"), std::string::npos) << p.reasons[1];
}

TEST(PlateauJudge, APassAtLessThanTheTargetIsInvalid) {
  PlateauResult p = plateau(100, 20, 96);  // 4 % short; the gate allows 3 % (+ 1 arrival)
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kInvalid);
  ASSERT_EQ(p.reasons.size(), 1u);
  EXPECT_NE(p.reasons[0].find("delivered 96/s of 100/s"), std::string::npos) << p.reasons[0];

  PlateauResult close = plateau(100, 20, 97.5);  // within the gate
  judge_plateau(close, open_plan());
  EXPECT_EQ(close.verdict, Verdict::kPass);
}

TEST(PlateauJudge, DroppedArrivalsMakeAPassInvalid) {
  PlateauResult p = plateau(100, 20, 100);
  p.measured.dropped = 3;
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kInvalid);
  EXPECT_NE(p.reasons[0].find("3 arrival(s) dropped"), std::string::npos) << p.reasons[0];
}

TEST(PlateauJudge, ASaturatedGeneratorMakesEvenAFailInvalid) {
  // The generator's own delay is in every time it measured: neither verdict can stand.
  PlateauResult p = plateau(100, 250, 100);
  p.gates.saturated_seconds = 3;  // of 10: over the 20 % allowed
  p.gates.cpu_known = true;
  p.gates.max_cpu = 0.97;
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kInvalid);
  ASSERT_EQ(p.reasons.size(), 1u);
  EXPECT_NE(p.reasons[0].find("3 of 10 s with the generator saturated (CPU up to 97%"),
            std::string::npos)
      << p.reasons[0];

  PlateauResult brief = plateau(100, 20, 100);
  brief.gates.saturated_seconds = 2;  // 20 %: allowed
  judge_plateau(brief, open_plan());
  EXPECT_EQ(brief.verdict, Verdict::kPass);
}

TEST(PlateauJudge, SessionsStartingLateMakeAPassInvalidButNotAFail) {
  PlateauResult p = plateau(100, 20, 100);
  p.measured.start_lag = {};
  for (int i = 0; i < 1000; ++i) {
    ++p.measured.start_lag.requests;
    p.measured.start_lag.times.record(i < 980 ? 100 : 80'000);  // 2 % start 80 ms late
  }
  judge_plateau(p, open_plan());
  EXPECT_EQ(p.verdict, Verdict::kInvalid);
  EXPECT_NE(p.reasons[0].find("sessions started late: start lag p99 80 ms"), std::string::npos)
      << p.reasons[0];

  // Late starts deliver less load than asked: a pass says nothing, but a fail stands.
  PlateauResult slow = p;
  slow.total.times.record(900'000);
  for (int i = 0; i < 20; ++i) slow.total.times.record(900'000);
  slow.total.requests += 21;
  slow.measured.rows.begin()->second = slow.total;
  judge_plateau(slow, open_plan());
  EXPECT_EQ(slow.verdict, Verdict::kFail) << slow.reasons[0];

  // 20 sessions, one of them late: a busy moment, not a generator behind its schedule.
  PlateauResult few = plateau(2, 20, 2);
  few.measured.start_lag = {};
  for (int i = 0; i < 20; ++i) {
    ++few.measured.start_lag.requests;
    few.measured.start_lag.times.record(i == 0 ? 80'000 : 100);
  }
  judge_plateau(few, open_plan());
  EXPECT_EQ(few.verdict, Verdict::kPass);
  for (int i = 0; i < 30; ++i) few.measured.start_lag.times.record(80'000);  // most late now
  few.measured.start_lag.requests += 30;
  judge_plateau(few, open_plan());
  EXPECT_EQ(few.verdict, Verdict::kInvalid);
  EXPECT_NE(few.reasons[0].find("start lag median 80 ms"), std::string::npos) << few.reasons[0];
}

TEST(PlateauJudge, EveryServiceLevelThresholdIsJudgedOnTheHold) {
  CapacityPlan plan = open_plan("p50<100ms");
  plan.slo.push_back(parse_threshold("rps>=99", "nest.ini:3"));
  plan.slo.push_back(parse_threshold("GET /none:p99<1s", "nest.ini:4"));
  PlateauResult p = plateau(100, 20, 100);  // 1,000 requests over the 10 s hold: 100/s
  judge_plateau(p, plan);
  ASSERT_EQ(p.slo.size(), 3u);
  EXPECT_EQ(p.slo[0].outcome, ThresholdVerdict::Outcome::kPass);
  EXPECT_EQ(p.slo[1].outcome, ThresholdVerdict::Outcome::kPass) << p.slo[1].measured_text;
  EXPECT_EQ(p.slo[2].outcome, ThresholdVerdict::Outcome::kNoData);
  EXPECT_EQ(p.verdict, Verdict::kFail) << "a service level with no data is not met";
}

// Feeds a PlateauRunner one-second intervals as a run would, without a run: it sets no target
// (nothing to steer), so what it measures and decides shows alone.
class Feed {
 public:
  explicit Feed(CapacityPlan plan)
      : plan_(std::move(plan)),
        runner_(plan_, silent_, [this](const PlateauResult& p) { judged.push_back(p.number); }) {
    runner_.first_plateau();
  }

  // One second: `n` requests of `ms` each, as many sessions started on time, `users` running
  // at its end. Returns whether the runner asks the run to stop.
  bool second(std::uint64_t n, std::uint64_t ms, std::uint64_t users = 1, bool stopping = false) {
    SampleSet interval;
    RowStats& row = interval.rows[{"GET", "/x"}];
    for (std::uint64_t i = 0; i < n; ++i) {
      ++row.requests;
      row.total_us += ms * 1000;
      row.times.record(ms * 1000);
      ++interval.start_lag.requests;
      interval.start_lag.times.record(100);
    }
    interval.users = users;
    ++elapsed_;
    return runner_.on_interval({interval, results_, std::chrono::duration<double>(elapsed_),
                                LoadModel::kOpen, 10, false, false, stopping, 0.1});
  }

  const PlateauRunner& runner() const { return runner_; }
  std::vector<int> judged;  // plateau numbers, in the order judged

 private:
  struct Silent final : RunObserver {
    bool on_interval(const IntervalReport&) override { return false; }
    void on_notice(const std::string&) override {}
  } silent_;
  LiveResults results_;
  CapacityPlan plan_;  // the runner keeps a reference
  PlateauRunner runner_;
  int elapsed_ = 0;
};

CapacityPlan short_plan() {
  CapacityPlan plan = open_plan();
  plan.search = {.start = 10, .precision = 0.05, .ceiling = 10};
  plan.warmup = std::chrono::seconds(2);
  plan.hold = std::chrono::seconds(3);
  plan.confirm_hold = std::chrono::seconds(4);
  plan.cooldown = std::chrono::seconds(3);
  return plan;
}

TEST(PlateauRunner, WarmUpSecondsNeverCountAndEachHoldIsItsOwnSeconds) {
  // 10/s with a ceiling of 10/s: one plateau, then its confirmation. Every warm-up second is
  // slow (it would break p99 < 100 ms if it counted); every hold second is fast.
  Feed feed(short_plan());
  std::vector<bool> stop;
  for (int s = 1; s <= 11; ++s) {
    bool warm = s <= 2 || s == 6 || s == 7;
    stop.push_back(feed.second(10, warm ? 500 : 10));
  }
  const auto& p = feed.runner().plateaus();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].hold_from_s, 2);
  EXPECT_EQ(p[0].hold_s, 3);
  EXPECT_EQ(p[0].total.requests, 30u) << "seconds 3, 4 and 5 only";
  EXPECT_EQ(p[0].verdict, Verdict::kPass);
  EXPECT_EQ(p[1].started_s, 5);
  EXPECT_TRUE(p[1].confirmation);
  EXPECT_EQ(p[1].hold_s, 4);
  EXPECT_EQ(p[1].total.requests, 40u) << "seconds 8 to 11";
  EXPECT_EQ(p[1].verdict, Verdict::kPass);
  EXPECT_EQ(feed.judged, (std::vector<int>{1, 2}));
  EXPECT_EQ(feed.runner().search().ending(), PlateauSearch::Ending::kCeiling);
  std::vector<bool> expected(11, false);
  expected[10] = true;  // the search is over at second 11: stop the run
  EXPECT_EQ(stop, expected);
}

TEST(PlateauRunner, AStopEndsThePlateauUnderWayUnjudged) {
  Feed during_hold(short_plan());
  for (int s = 1; s <= 4; ++s) during_hold.second(10, 10);  // warm-up 1-2, hold 3-4
  during_hold.second(10, 10, 1, true);                      // Ctrl-C: the run stops
  during_hold.second(10, 10, 0, true);                      // the drain: ignored
  const auto& p = during_hold.runner().plateaus();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_FALSE(p[0].complete);
  EXPECT_EQ(p[0].hold_s, 2);
  EXPECT_EQ(p[0].total.requests, 20u) << "nothing from the stop on";
  EXPECT_EQ(during_hold.judged, (std::vector<int>{1}));
  EXPECT_EQ(during_hold.runner().search().plateaus().size(), 0u) << "not in the search";

  Feed during_warmup(short_plan());
  during_warmup.second(10, 10);
  during_warmup.second(10, 10, 1, true);
  EXPECT_TRUE(during_warmup.runner().plateaus().empty()) << "nothing of it was measured";
}

TEST(PlateauRunner, AfterAFailArrivalsPauseUntilTheSessionsHaveDrained) {
  CapacityPlan plan = short_plan();
  plan.search.ceiling = 100;
  Feed feed(plan);
  for (int s = 1; s <= 5; ++s) feed.second(10, s <= 2 ? 10 : 500);  // the hold fails
  ASSERT_EQ(feed.runner().plateaus().back().verdict, Verdict::kFail);
  feed.second(0, 10, 3);  // cool-down: sessions still running
  feed.second(0, 10, 2);
  EXPECT_EQ(feed.runner().plateaus().size(), 1u) << "no plateau while sessions drain";
  feed.second(0, 10, 0);  // drained at second 8: the next plateau (5/s) begins
  ASSERT_EQ(feed.runner().plateaus().size(), 2u);
  EXPECT_EQ(feed.runner().plateaus()[1].started_s, 8);
  EXPECT_EQ(feed.runner().plateaus()[1].target, 5);
  EXPECT_EQ(feed.runner().plateaus()[1].carried, 0u);

  // A cool-down that runs out says so on the plateau after it.
  Feed stuck(plan);
  for (int s = 1; s <= 5; ++s) stuck.second(10, s <= 2 ? 10 : 500);
  for (int s = 6; s <= 8; ++s) stuck.second(0, 10, 4);  // 3 s of cool-down, 4 sessions left
  ASSERT_EQ(stuck.runner().plateaus().size(), 2u);
  for (int s = 9; s <= 13; ++s) stuck.second(5, 10);
  const PlateauResult& after = stuck.runner().plateaus()[1];
  EXPECT_EQ(after.carried, 4u);
  ASSERT_FALSE(after.reasons.empty());
  EXPECT_NE(after.reasons.back().find("4 session(s) of the plateau before"), std::string::npos);
}

CapacityResult sample_result() {
  CapacityResult r;
  r.info.nest_version = "test";
  r.info.host = "http://127.0.0.1:1";
  r.info.model = "open";
  r.info.threads = 2;
  r.info.started_at = "2026-11-24T10:00:00Z";
  r.info.elapsed_s = 61.5;
  r.tasksets.push_back({"Visit", 1, "plugin default", "visit.so", "curl"});
  r.settings.start = 50;
  r.settings.precision = 0.05;
  r.settings.ceiling = 1000;
  r.settings.warmup_s = 15;
  r.settings.hold_s = 60;
  r.settings.confirm_hold_s = 120;
  r.settings.cooldown_s = 30;
  r.settings.slo = {{"p99<100ms", "--slo"}};
  r.settings.spawn_rate = 2.5;
  r.settings.arrivals = "poisson";
  r.settings.max_users = 500;
  r.settings.gates.lag = std::chrono::milliseconds(150);
  r.settings.gates.achieved = 0.05;
  CapacityPlan plan = open_plan();
  for (double level : {50.0, 100.0}) {
    PlateauResult p = plateau(level, level > 60 ? 300 : 20, level);
    p.number = static_cast<int>(r.plateaus.size()) + 1;
    p.measured.failures[{"GET", "/items", "HTTP 503 <b>busy</b>"}] = 2;
    p.measured.rows.begin()->second.failures = 2;
    p.total.failures = 2;
    p.gates.cpu_known = level > 60;
    p.gates.max_cpu = 0.25;
    p.gates.max_lag_us = 1500;
    p.gates.users = 1.25;
    judge_plateau(p, plan);
    r.plateaus.push_back(std::move(p));
  }
  r.plateaus.back().complete = false;
  r.ending = "interrupted";
  r.message = "No capacity: the search was stopped before it ended.";
  r.capacity = FoundCapacity{50, 1, 50, 50, 1, 1.25, false};
  r.cost.servers = {2, "--servers"};
  r.cost.currency = "EUR";
  r.cost_report = CostReport{{{"customers supported", 9000, "customers", "a × b"}}, {"730 h"}};
  return r;
}

TEST(CapacityJson, ADocumentReadsBackAsWrittenWithEveryPlateauWhole) {
  CapacityResult r = sample_result();
  std::string text = capacity_to_json(r);
  CapacityResult back = capacity_from_json(text, "cap.json");
  EXPECT_EQ(capacity_to_json(back), text) << "write -> read -> write changes nothing";
  EXPECT_EQ(back.settings.arrivals, "poisson");
  EXPECT_EQ(back.settings.max_users, 500u);
  EXPECT_EQ(back.settings.spawn_rate, 2.5);
  EXPECT_EQ(back.settings.gates.lag.count(), 150);
  EXPECT_EQ(back.settings.gates.achieved, 0.05);
  EXPECT_EQ(back.settings.ceiling, 1000);
  ASSERT_EQ(back.plateaus.size(), 2u);
  EXPECT_EQ(back.plateaus[0].measured.rows, r.plateaus[0].measured.rows) << "histograms whole";
  EXPECT_EQ(back.plateaus[0].total, r.plateaus[0].total);
  EXPECT_EQ(back.plateaus[1].verdict, Verdict::kInvalid) << "incomplete reads as no verdict";
  EXPECT_FALSE(back.plateaus[1].complete);
  EXPECT_EQ(back.plateaus[1].reasons, r.plateaus[1].reasons);
  EXPECT_EQ(back.plateaus[0].measured.failures, r.plateaus[0].measured.failures);
  ASSERT_TRUE(back.capacity);
  EXPECT_EQ(back.capacity->rps, 50);
  EXPECT_EQ(back.cost.servers.value, 2);
  EXPECT_EQ(back.cost.servers.source, "--servers");
  EXPECT_FALSE(back.cost.price_per_hour.value);
  ASSERT_TRUE(back.cost_report);
  EXPECT_EQ(back.cost_report->figures[0].value, 9000);
}

TEST(CapacityJson, AnotherDocumentIsRefusedNamingTheFileAndField) {
  try {
    capacity_from_json(R"({"schema":"nest-result","schema_version":3})", "run.json");
    FAIL() << "a run's result read as a capacity document";
  } catch (const ResultFileError& e) {
    EXPECT_EQ(std::string(e.what()),
              "run.json: schema: not a Nest capacity document (nest-host capacity --json writes "
              "one)");
  }
  std::string text = capacity_to_json(sample_result());
  std::size_t at = text.find("\"hold_s\":", text.find("\"plateaus\""));
  std::string broken = text.replace(at, text.find(',', at) - at, "\"hold_s\":\"x\"");
  try {
    capacity_from_json(broken, "cap.json");
    FAIL() << "a plateau's hold that is not a number was read";
  } catch (const ResultFileError& e) {
    EXPECT_EQ(std::string(e.what()), "cap.json: plateaus[0].hold_s: expected a number");
  }
}

}  // namespace
}  // namespace nest::host
