#include "engine/weighted_picker.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nest::host {
namespace {

// Observed frequencies over many picks match the weights: each count is within 4 standard
// deviations of its binomial expectation (fixed seed, so the test is repeatable).
TEST(WeightedPicker, FrequenciesFollowWeights) {
  std::vector<int> weights = {5, 1, 1, 0, 3};
  WeightedPicker picker(weights);
  Rng rng(7);
  const int n = 200'000;
  std::vector<int> seen(weights.size(), 0);
  for (int i = 0; i < n; ++i) ++seen[picker.pick(rng)];
  double total = 10;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double p = weights[i] / total;
    double expected = n * p;
    double sigma = std::sqrt(n * p * (1 - p));
    EXPECT_LE(std::abs(seen[i] - expected), 4 * sigma + 1e-9) << "index " << i;
  }
  EXPECT_EQ(seen[3], 0) << "weight 0 is never picked";
}

TEST(WeightedPicker, EmptyWhenNoPositiveWeight) {
  EXPECT_TRUE(WeightedPicker({}).empty());
  EXPECT_TRUE(WeightedPicker({0, 0}).empty());
  EXPECT_FALSE(WeightedPicker({0, 1}).empty());
  EXPECT_THROW(WeightedPicker({1, -1}), std::invalid_argument);
}

TEST(Rng, UnitIntervalAndBounds) {
  Rng rng(0);
  for (int i = 0; i < 100'000; ++i) {
    double u = rng.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_LT(rng.below(7), 7u);
  }
}

}  // namespace
}  // namespace nest::host
