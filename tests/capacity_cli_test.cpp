// nest-host capacity end to end, against nest-demo-target's service slots: a bottleneck whose
// capacity is known (N slots busy MS per request: N * 1000 / MS requests a second at most, a
// little less for the target's own work), so the search has a right answer to find. Plateaus are
// short here (2 s warm-up, 2 s hold) to keep the suite quick; the method is the same as with the
// defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <sstream>

#include "browser_check.h"
#include "capacity/capacity_json.h"
#include "capacity/plateau_judge.h"
#include "capacity/usl_fit.h"
#include "demo_target.h"
#include "process.h"
#include "util/sanitizers.h"

namespace nest::test {
namespace {

using host::CapacityResult;
using host::PlateauVerdict;

// nest-host capacity --yes with `args` (`words`: further arguments split at spaces) and short
// plateaus.
ProcessResult capacity(std::vector<std::string> args, const std::string& words = "",
                       std::vector<TimedSignal> signals = {}) {
  args.insert(args.begin(), {"capacity", "--yes"});
  std::istringstream split(words + " --warmup 2 --plateau 2 --confirm 4 --cooldown 10");
  for (std::string word; split >> word;) args.push_back(word);
  return nest_host(args, 300, std::move(signals));
}

struct Slots {
  int slots;
  int service_ms;
  double capacity() const { return slots * 1000.0 / service_ms; }
};

class CapacityOfSlots : public ::testing::TestWithParam<Slots> {};

TEST_P(CapacityOfSlots, TheSearchFindsTheKnownCapacityWithinTenPercent) {
  Slots s = GetParam();
  if (host::kUnderSanitizer && s.slots > 1) {
    GTEST_SKIP() << "one setting under a sanitizer is enough to check the code; the plain build "
                    "checks both (and keeps CI's time)";
  }
  DemoTarget target(
      false, {"--slots", std::to_string(s.slots), "--service-ms", std::to_string(s.service_ms)});
  std::string dir = temp_dir();
  auto run = capacity(
      {"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/visit", "--start",
       std::to_string(s.capacity() * 0.35), "--ceiling", std::to_string(s.capacity() * 1.5),
       "--json", dir + "/cap.json", "--html", dir + "/cap.html"},
      "--threads 2 --slo p99<100ms "
      // cost: 25 % headroom, 120 requests per customer an hour, a peak twice the average
      "--price-per-hour 3.20 --servers 1 --requests-per-customer-per-hour 120 --peak-factor 2 "
      "--headroom 25% --currency EUR");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  CapacityResult r = host::read_capacity_file(dir + "/cap.json");
  ASSERT_EQ(r.ending, "found") << r.message;
  ASSERT_TRUE(r.capacity);
  // The slots serve N × 1000 / MS a second at most; the target's own work adds to each
  // service time (much more under a sanitizer), so the rate they really serve is what the
  // overloaded plateaus completed. That rate is near the nominal one, and the search finds it.
  double served = 0;
  for (const auto& p : r.plateaus) {
    if (p.verdict == PlateauVerdict::kFail) served = std::max(served, p.rps());
  }
  EXPECT_LE(served, 1.02 * s.capacity()) << run.out;
  EXPECT_GE(served, 0.8 * s.capacity()) << run.out;
  EXPECT_GE(r.capacity->level, 0.9 * served) << run.out;
  EXPECT_LE(r.capacity->level, 1.1 * served) << run.out;

  // The level found was confirmed by a longer plateau that passed.
  const host::PlateauResult& confirmed = r.plateaus.at(r.capacity->plateau - 1);
  EXPECT_TRUE(confirmed.confirmation);
  EXPECT_EQ(confirmed.verdict, PlateauVerdict::kPass);
  EXPECT_EQ(confirmed.hold_s, 4);
  EXPECT_EQ(confirmed.target, r.capacity->level);

  // 30 % above the capacity, the service level breaks: every such plateau failed, and the
  // search held at least one (it doubles from 35 % of the capacity: 140 % is its third).
  int above = 0;
  for (const auto& p : r.plateaus) {
    if (p.target < 1.3 * served) continue;
    ++above;
    EXPECT_EQ(p.verdict, PlateauVerdict::kFail) << "plateau " << p.number << " at " << p.target;
  }
  EXPECT_GE(above, 1) << run.out;
  // No plateau may be invalid in a search that found a capacity.
  for (const auto& p : r.plateaus) EXPECT_NE(p.verdict, PlateauVerdict::kInvalid) << p.number;

  // The cost figures rest on the capacity measured: customers = rps × (1 − 25 %) × 3600 /
  // (120 × 2), each printed with its formula.
  ASSERT_TRUE(r.cost_report);
  double customers = std::floor(r.capacity->rps * 0.75 * 3600 / 240);
  EXPECT_EQ(r.cost_report->figures.at(0).value, customers);
  EXPECT_NE(run.out.find("Capacity: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("cost per 1,000 customers per month"), std::string::npos) << run.out;

  if (s.slots == 1) {  // the report, once: it opens offline, draws the curve, says the answer
    std::string level = host::level_text(r.capacity->level, host::LoadModel::kOpen);
    auto check = check_in_chromium(dir + "/cap.html", 1, {level, "pass", "fail"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Settings, CapacityOfSlots, ::testing::Values(Slots{1, 10}, Slots{4, 10}),
                         [](const auto& info) {
                           return std::to_string(info.param.slots) + "x" +
                                  std::to_string(info.param.service_ms) + "ms";
                         });

TEST(CapacityCli, UsersStepsFindTheUsersTheServiceLevelAllows) {
  // 2 slots of 10 ms, users that never wait: with N users each request waits for the N ahead
  // of it, N / throughput in all (5 N ms at the nominal 200/s). p50 < 100 ms holds up to
  // about 0.1 s × throughput users: 19 at 200/s (fewer where the target runs slower, as under
  // ASan). The median, not the p99: on a shared 2-core machine one stall of the target or of
  // nest-host moves a 2 s plateau's p99 (4 requests of 340: 114 ms at 10 users, seen under
  // ASan), never its median.
  DemoTarget target(false, {"--slots", "2", "--service-ms", "10"});
  std::string dir = temp_dir();
  auto run = capacity({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/counting", "--json",
                       dir + "/cap.json"},
                      "--steps users --start 5 --ceiling 40 --slo p50<100ms");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  CapacityResult r = host::read_capacity_file(dir + "/cap.json");
  EXPECT_EQ(r.info.model, "closed");
  ASSERT_TRUE(r.capacity) << r.message;
  // Every request waits about N / throughput, so the median is near the mean: the capacity is
  // about 0.1 s × throughput users (a slow tail puts the median a little under the mean: up
  // to 10 % more, and one for rounding), and jitter takes a little off it (under ASan most).
  double known = 0.1 * r.capacity->rps;
  EXPECT_LE(r.capacity->level, 1.1 * known + 1) << run.out;
  EXPECT_GE(r.capacity->level, 0.8 * known) << run.out;
  EXPECT_GE(r.capacity->rps, 0.75 * 200) << "the slots serve near their nominal rate";
  EXPECT_NE(run.out.find("users"), std::string::npos);
}

TEST(CapacityCli, AGeneratorLimitedSearchEndsInvalidNotWithACapacity) {
  // Each session makes a request, then busy-waits 20 ms on nest-host's one thread: from about
  // 45 sessions a second the generator, not the system, is the limit.
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = capacity({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/burning_visit",
                       "--json", dir + "/cap.json"},
                      "--threads 1 --start 20 --slo p99<1s");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  CapacityResult r = host::read_capacity_file(dir + "/cap.json");
  EXPECT_EQ(r.ending, "invalid");
  EXPECT_FALSE(r.capacity) << "never a capacity the generator could not test";
  ASSERT_FALSE(r.plateaus.empty());
  EXPECT_EQ(r.plateaus.back().verdict, PlateauVerdict::kInvalid);
  EXPECT_NE(run.out.find("The generator, not the system, ran out"), std::string::npos) << run.out;
}

TEST(CapacityCli, CtrlCEndsTheSearchWithNoAnswerAndEveryPlateauWritten) {
  // Plateaus of 2 + 2 s: the third's hold is the run's seconds 10 to 12. Ctrl-C 11.5 s after
  // nest-host starts (the run starts a fraction of a second later) lands in it: two plateaus
  // were judged, the third is kept as measured so far, unjudged.
  DemoTarget target;
  std::string dir = temp_dir();
  auto run = capacity({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/visit", "--json",
                       dir + "/cap.json", "--html", dir + "/cap.html"},
                      "--start 10 --slo p99<1s", {{11.5, SIGINT}});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  CapacityResult r = host::read_capacity_file(dir + "/cap.json");
  EXPECT_EQ(r.ending, "interrupted");
  EXPECT_TRUE(r.info.interrupted);
  EXPECT_FALSE(r.capacity);
  ASSERT_EQ(r.plateaus.size(), 3u) << run.out;
  EXPECT_EQ(r.plateaus[0].verdict, PlateauVerdict::kPass);
  EXPECT_EQ(r.plateaus[1].verdict, PlateauVerdict::kPass);
  EXPECT_FALSE(r.plateaus[2].complete);
  EXPECT_LE(r.plateaus[2].hold_s, 1) << "nothing measured after the stop";
  EXPECT_NE(run.out.find("INCOMPLETE"), std::string::npos) << run.out;
  EXPECT_NE(r.message.find("It met the service level up to 20/s"), std::string::npos) << r.message;
  EXPECT_NE(run.out.find("No capacity: the search was stopped before it ended"), std::string::npos)
      << run.out;

  // `nest-host report` reads the search back: the same table, and the same report.
  auto report = nest_host({"report", dir + "/cap.json", "--html", dir + "/again.html"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("Capacity search: "), std::string::npos) << report.out;
  EXPECT_EQ(read_file(dir + "/again.html"), read_file(dir + "/cap.html"));
}

TEST(CapacityCli, BadInputIsNamedBeforeAnyLoad) {
  auto no_slo = capacity({"-H", "http://127.0.0.1:1", "--taskset-dir", NEST_TEST_PLUGINS "/visit"});
  EXPECT_EQ(no_slo.exit_code, 2);
  EXPECT_NE(no_slo.err.find("needs a service level: --slo"), std::string::npos) << no_slo.err;

  auto plan = capacity({"-H", "http://127.0.0.1:1", "--slo", "p99<1s", "-u", "10", "-t", "5s"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_NE(plan.err.find("drop -u, -t"), std::string::npos) << plan.err;

  auto cost = capacity({"-H", "http://127.0.0.1:1", "--slo", "p99<1s", "--price-per-hour", "3"});
  EXPECT_EQ(cost.exit_code, 2);
  for (const char* missing : {"servers", "peak_factor", "headroom", "requests_per_customer"}) {
    EXPECT_NE(cost.err.find(missing), std::string::npos) << missing << " in " << cost.err;
  }

  std::string dir = temp_dir();
  {
    std::ofstream ini(dir + "/nest.ini");
    ini << "[slo]\nfast = p99<300ms\n\n[cost]\nprice_per_hour = 3.20\nserver = 2\n";
  }
  auto key = capacity({"-H", "http://127.0.0.1:1", "--config", dir + "/nest.ini"});
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find(dir + "/nest.ini:6: unknown key 'server' in [cost] (did you mean "
                               "'servers'?)"),
            std::string::npos)
      << key.err;

  auto level = capacity({"-H", "http://127.0.0.1:1", "--slo", "p99<1s", "--start", "fast"});
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("--start: 'fast' is not an arrival rate"), std::string::npos)
      << level.err;
}

// A capacity document as a search at `servers` servers that found `rps` would write.
std::string search_at(const std::string& dir, double servers, double rps) {
  CapacityResult r;
  r.info.model = "open";
  r.ending = "found";
  r.capacity = host::FoundCapacity{rps / 2, 1, rps, rps / 2, 1, 1, false};
  r.cost.servers = {servers, "--servers"};
  std::string path = dir + "/n" + std::to_string(static_cast<int>(servers)) + ".json";
  host::write_capacity_file(path, r);
  return path;
}

TEST(CapacityCli, FitRecoversTheScalabilityOfSearchesAtSeveralServerCounts) {
  // Capacities made with λ = 1000, σ = 0.05, κ = 0.001 at 1, 2, 4 and 8 servers.
  std::string dir = temp_dir();
  std::vector<std::string> args = {"capacity", "fit"};
  for (double n : {1.0, 2.0, 4.0, 8.0}) {
    double c = 1000 * n / (1 + 0.05 * (n - 1) + 0.001 * n * (n - 1));
    args.push_back(search_at(dir, n, c));
  }
  args.insert(args.end(), {"--at", "100", "--html", dir + "/fit.html"});
  auto fit = nest_host(args);
  ASSERT_EQ(fit.exit_code, 0) << fit.out << fit.err;
  EXPECT_NE(fit.out.find("sigma 0.0500"), std::string::npos) << fit.out;
  EXPECT_NE(fit.out.find("kappa 0.001000"), std::string::npos) << fit.out;
  EXPECT_NE(fit.out.find("capacity peaks at 30.8 servers"), std::string::npos) << fit.out;
  EXPECT_NE(fit.out.find("at 100 servers the fit predicts"), std::string::npos) << fit.out;
  EXPECT_NE(fit.out.find("warning: at 100 servers"), std::string::npos)
      << "100 servers is far beyond the 8 measured: " << fit.out;
  auto check = check_in_chromium(dir + "/fit.html", 1, {"0.05"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  auto two = nest_host({"capacity", "fit", search_at(dir, 1, 1000), search_at(dir, 2, 1900)});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("n1.json"), std::string::npos) << two.err;
  EXPECT_NE(two.err.find("n2.json"), std::string::npos) << two.err;
}

}  // namespace
}  // namespace nest::test
