// nest/shared.h on the engine, in-process, against the demo target (which refuses a login
// whose account is in use, and counts them): claims are unique across worker threads, waiting
// users get released rows in turn or time out counted, and rows come back however a visit
// ends; counters and values stay exact across threads. Run under TSan too (./scripts/test.sh).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>

#include "accounts.h"
#include "demo_target.h"
#include "engine_run.h"
#include "process.h"
#include "scoped_env.h"
#include "shared/shared_store.h"

namespace nest::test {
namespace {

using namespace std::chrono_literals;

// A CSV file of `rows` accounts in a new folder.
std::string accounts_csv(int rows) { return test::accounts_csv(temp_dir(), rows); }

std::size_t held(const std::string& csv) {
  return static_cast<host::FeederTable&>(host::shared_store().csv_feeder(csv)).held();
}

std::uint64_t occurrences(const EngineRun& run, const std::string& starting) {
  std::uint64_t n = 0;
  for (const auto& e : run.summary.exceptions) {
    if (e.message.starts_with(starting)) n += e.occurrences;
  }
  return n;
}

std::uint64_t logins_made(const EngineRun& run) {
  for (const auto& r : run.summary.rows) {
    if (r.method == "POST" && r.name == "/login") return r.requests;
  }
  return 0;
}

TEST(EngineShared, ClaimsAreUniqueAcrossThreadsAndTakenAgainAfterLeaving) {
  DemoTarget target;
  std::string csv = accounts_csv(10);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_LEAVE", "1"}, {"NEST_TEST_PAUSE_MS", "20"},
              {"NEST_TEST_CLAIM_MS", "20000"}};
  // 20 users on 3 threads want 10 accounts: half of them wait at any moment.
  EngineRun run = run_folder(NEST_TEST_PLUGINS "/claiming", quick_settings(target.url(), 20, 200, 3s, 3));
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u) << "an account was handed to two users at once";
  EXPECT_LE(server.most_in_use, 10u);
  EXPECT_GT(server.total, 20u) << "accounts given back by leaving users were claimed again";
  EXPECT_EQ(server.total, logins_made(run));
  EXPECT_EQ(server.in_use, 0u) << "every user logged out in on_stop";
  EXPECT_EQ(held(csv), 0u) << "every row was given back";
  EXPECT_TRUE(run.summary.exceptions.empty()) << run.summary.exceptions[0].message;
}

// On the engine's held clock: 3 users, 2 rows, nobody leaves. The third user waits 1.5 s, is
// counted a ClaimTimeout, backs off 1 s, waits again: exactly two timeouts in 5 s.
TEST(EngineShared, AUserWaitsForARowThenTimesOutCounted) {
  DemoTarget target;
  std::string csv = accounts_csv(2);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_CLAIM_MS", "1500"}};
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/claiming", quick_settings(target.url(), 3, 100, 5s, 1));
  EXPECT_EQ(occurrences(run, csv + ": all 2 rows are claimed; none came free within 1.5 s"), 2u);
  ASSERT_EQ(run.summary.exceptions.size(), 1u);
  EXPECT_EQ(run.summary.exceptions[0].task, "on_start");
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.refused, 0u);
  EXPECT_EQ(server.most_in_use, 2u);
  EXPECT_EQ(server.total, 2u) << "the waiting user never logged in";
  EXPECT_EQ(held(csv), 0u);
}

// A throw in on_start right after claiming: the visit ends and its row goes to the user
// waiting, every time (one row, two users: a row kept would make the other time out).
TEST(EngineShared, AUserThatThrowsHasItsClaimReleased) {
  DemoTarget target;
  std::string csv = accounts_csv(1);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_THROW", "1"}, {"NEST_TEST_FORGET", "1"},
              {"NEST_TEST_CLAIM_MS", "500"}};
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/claiming", quick_settings(target.url(), 2, 100, 2500ms, 1));
  ASSERT_EQ(run.summary.exceptions.size(), 1u) << "a ClaimTimeout too: a row was kept";
  EXPECT_EQ(run.summary.exceptions[0].message, "thrown after claiming");
  // Each user at 0 s (10 ms), then after each 1 s back-off: 1 s, 2 s.
  EXPECT_EQ(run.summary.exceptions[0].occurrences, 6u);
  EXPECT_EQ(held(csv), 0u);
}

// Users stopped in the middle of a long task, whose on_stop logs out but forgets to release:
// nest-host releases their rows.
TEST(EngineShared, UsersStoppedMidTaskHaveTheirClaimsReleased) {
  DemoTarget target;
  std::string csv = accounts_csv(3);
  ScopedEnv on{{"NEST_TEST_FEEDER", csv}, {"NEST_TEST_FORGET", "1"}, {"NEST_TEST_HOLD_MS", "100000"}};
  auto settings = quick_settings(target.url(), 3, 100, 2s, 1);
  settings.stop_timeout = 500ms;
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/claiming", settings);
  DemoTarget::Logins server = target.logins();
  EXPECT_EQ(server.total, 3u);
  EXPECT_EQ(server.in_use, 0u) << "on_stop ran after the stop cut the task";
  EXPECT_EQ(held(csv), 0u);
  EXPECT_TRUE(run.summary.exceptions.empty());
}

// Counters, compare-and-set loops and values under 30 users on 3 threads: each task adds one
// to each, and is recorded as a row; at the end all three equal the row's count. A list
// feeder's next() is shared the same way.
TEST(EngineShared, CountersAndCompareAndSetAreExactAcrossThreads) {
  DemoTarget target;
  EngineRun run = run_folder(NEST_TEST_PLUGINS "/sharing", quick_settings(target.url(), 30, 300, 2s, 3));
  std::uint64_t tasks = 0, handed = 0, least = UINT64_MAX, most = 0, colours = 0;
  for (const auto& r : run.summary.rows) {
    if (r.method == "shared" && r.name == "add") tasks = r.requests;
    if (r.method != "next") continue;
    ++colours;
    handed += r.requests;
    least = std::min(least, r.requests);
    most = std::max(most, r.requests);
  }
  ASSERT_GT(tasks, 1000u);
  EXPECT_EQ(handed, tasks);
  EXPECT_EQ(colours, 7u);
  EXPECT_LE(most - least, 1u) << "next() hands the rows out in turn, over every thread";
  host::SharedStore& store = host::shared_store();
  EXPECT_EQ(static_cast<std::uint64_t>(store.counter("adds").get()), tasks);
  EXPECT_EQ(static_cast<std::uint64_t>(store.counter("cas").get()), tasks);
  std::string text;
  ASSERT_TRUE(store.get("text", text));
  EXPECT_EQ(text, std::to_string(tasks));
  EXPECT_TRUE(run.summary.exceptions.empty());
}

// --seed replays a user's choices: its tasks by weight and a feeder's random() rows (drawn
// from its worker's generator, not the system's). On the engine's held clock, one user.
std::string picks_with_seed(std::uint64_t seed) {
  host::RunSettings settings = quick_settings("http://127.0.0.1:9", 1, 10, 1s, 1);
  settings.seed = seed;
  EngineRun run = simulate_folder(NEST_TEST_PLUGINS "/seeded", settings);
  EXPECT_TRUE(run.summary.exceptions.empty()) << run.summary.exceptions[0].message;
  for (const auto& r : run.summary.rows) {
    if (r.method == "picks") return r.name;
  }
  ADD_FAILURE() << "no picks row: fewer than 40 tasks ran";
  return "";
}

TEST(EngineShared, TheSameSeedReplaysTasksAndRandomRows) {
  std::string first = picks_with_seed(7);
  ASSERT_EQ(std::count(first.begin(), first.end(), ' '), 39) << first;
  EXPECT_EQ(picks_with_seed(7), first);
  EXPECT_NE(picks_with_seed(8), first);
}

}  // namespace
}  // namespace nest::test
