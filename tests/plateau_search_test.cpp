// The capacity search's plan, plateau by plateau, against systems whose capacity is known.
#include "capacity/plateau_search.h"

#include <gtest/gtest.h>

#include <functional>

namespace nest::host {
namespace {

using Verdict = PlateauVerdict;

// Runs the search against `system` (level -> verdict); returns the levels held, confirmations
// marked with a trailing "!".
std::vector<std::string> run(PlateauSearch& search, const std::function<Verdict(double)>& system) {
  std::vector<std::string> held;
  for (int guard = 0; guard < 100; ++guard) {
    auto plateau = search.next();
    if (!plateau) break;
    char text[32];
    std::snprintf(text, sizeof text, "%g%s", plateau->level, plateau->confirmation ? "!" : "");
    held.push_back(text);
    search.record(system(plateau->level));
  }
  return held;
}

std::function<Verdict(double)> capacity_of(double capacity) {
  return [capacity](double level) { return level <= capacity ? Verdict::kPass : Verdict::kFail; };
}

TEST(PlateauSearch, DoublesThenBisectsThenConfirms) {
  PlateauSearch search({.start = 50, .precision = 0.05});
  auto held = run(search, capacity_of(800));
  std::vector<std::string> expected = {"50",   "100",  "200", "400", "800", "1600",
                                       "1200", "1000", "900", "850", "825", "800!"};
  EXPECT_EQ(held, expected);
  EXPECT_EQ(search.ending(), PlateauSearch::Ending::kFound);
  EXPECT_EQ(search.capacity(), 800);
}

TEST(PlateauSearch, FindsAnyCapacityWithinItsPrecision) {
  for (double capacity : {7.0, 33.3, 123.0, 999.0, 4321.0}) {
    for (double precision : {0.02, 0.05, 0.1}) {
      PlateauSearch search({.start = 10, .precision = precision});
      run(search, capacity_of(capacity));
      ASSERT_EQ(search.ending(), PlateauSearch::Ending::kFound) << capacity;
      EXPECT_LE(search.capacity(), capacity) << "never above what the system held";
      EXPECT_GE(search.capacity(), capacity / (1 + precision)) << capacity << " " << precision;
    }
  }
}

TEST(PlateauSearch, AFirstPlateauThatFailsHalvesUntilOnePasses) {
  PlateauSearch search({.start = 100});
  auto held = run(search, capacity_of(30));
  ASSERT_GE(held.size(), 3u);
  EXPECT_EQ(held[0], "100");
  EXPECT_EQ(held[1], "50");
  EXPECT_EQ(held[2], "25");
  EXPECT_EQ(search.ending(), PlateauSearch::Ending::kFound);
  EXPECT_LE(search.capacity(), 30);
  EXPECT_GE(search.capacity(), 30 / 1.05);
}

TEST(PlateauSearch, NothingPassingEndsWithoutACapacity) {
  PlateauSearch search({.start = 64});
  auto held = run(search, [](double) { return Verdict::kFail; });
  EXPECT_EQ(held, (std::vector<std::string>{"64", "32", "16", "8", "4", "2", "1"}));
  EXPECT_EQ(search.ending(), PlateauSearch::Ending::kNothingPassed);
}

TEST(PlateauSearch, AnInvalidPlateauEndsTheSearchAtOnce) {
  PlateauSearch search({.start = 100});
  // The generator runs out at 400/s, before the system (capacity 1000) does.
  auto held =
      run(search, [](double level) { return level >= 400 ? Verdict::kInvalid : Verdict::kPass; });
  EXPECT_EQ(held, (std::vector<std::string>{"100", "200", "400"}));
  EXPECT_EQ(search.ending(), PlateauSearch::Ending::kInvalid);
  EXPECT_EQ(search.plateaus().back().verdict, Verdict::kInvalid);
}

TEST(PlateauSearch, AConfirmationThatFailsSearchesOnBelowIt) {
  // A system that holds 800/s for a short plateau, but only 700/s for the longer confirmation.
  PlateauSearch shaky({.start = 50, .precision = 0.05});
  std::vector<std::string> levels;
  for (int guard = 0; guard < 100; ++guard) {
    auto plateau = shaky.next();
    if (!plateau) break;
    levels.push_back(std::to_string(static_cast<int>(plateau->level)) +
                     (plateau->confirmation ? "!" : ""));
    bool holds = plateau->level <= (plateau->confirmation ? 700 : 800);
    shaky.record(holds ? Verdict::kPass : Verdict::kFail);
  }
  EXPECT_EQ(levels[11], "800!") << "the first confirmation";
  EXPECT_EQ(shaky.ending(), PlateauSearch::Ending::kFound);
  EXPECT_LE(shaky.capacity(), 700) << "what held for the longer plateau";
  EXPECT_GE(shaky.capacity(), 700 / 1.05);
}

TEST(PlateauSearch, TheCeilingPassingIsConfirmedThenEndsTheSearch) {
  PlateauSearch search({.start = 100, .ceiling = 500});
  auto held = run(search, capacity_of(10000));
  EXPECT_EQ(held, (std::vector<std::string>{"100", "200", "400", "500", "500!"}));
  EXPECT_EQ(search.ending(), PlateauSearch::Ending::kCeiling);
  EXPECT_EQ(search.capacity(), 500);

  // A ceiling whose confirmation fails is a fail: the search bisects below it.
  PlateauSearch shaky({.start = 100, .precision = 0.05, .ceiling = 500});
  int held_500 = 0;
  held = run(shaky, [&](double level) {
    if (level == 500) return ++held_500 == 1 ? Verdict::kPass : Verdict::kFail;
    return level <= 480 ? Verdict::kPass : Verdict::kFail;
  });
  EXPECT_EQ(held, (std::vector<std::string>{"100", "200", "400", "500", "500!", "450", "475",
                                            "487.5", "475!"}));
  EXPECT_EQ(shaky.ending(), PlateauSearch::Ending::kFound);
}

TEST(PlateauSearch, WholeLevelsBisectToAWholeNumberOfUsers) {
  // Users come whole: a capacity of 18 users is found as 18, never 17.5 or 18.1.
  PlateauSearch search({.start = 5, .precision = 0.05, .whole = true});
  auto held = run(search, capacity_of(18));
  std::vector<std::string> expected = {"5", "10", "20", "15", "18", "19", "18!"};
  EXPECT_EQ(held, expected);
  EXPECT_EQ(search.capacity(), 18);

  // Halving a fail of 3 users goes to 1, then ends: nothing below one user.
  PlateauSearch tiny({.start = 3, .precision = 0.05, .whole = true});
  held = run(tiny, capacity_of(0));
  EXPECT_EQ(held, (std::vector<std::string>{"3", "1"}));
  EXPECT_EQ(tiny.ending(), PlateauSearch::Ending::kNothingPassed);
}

}  // namespace
}  // namespace nest::host
