#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "stats/summary.h"

namespace nest::host {
namespace {

// The nearest-rank percentile of sorted samples: what the histogram approximates.
std::uint64_t exact(const std::vector<std::uint64_t>& sorted, double fraction) {
  auto rank = static_cast<std::size_t>(std::ceil(fraction * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void expect_within_one_percent(std::vector<std::uint64_t> samples) {
  Histogram h;
  for (auto v : samples) h.record(v);
  std::sort(samples.begin(), samples.end());
  for (double p : kReportedPercentiles) {
    double want = static_cast<double>(exact(samples, p));
    double got = static_cast<double>(h.percentile(p));
    EXPECT_LE(std::abs(got - want), std::max(0.01 * want, 0.5)) << "p" << p * 100;
  }
  EXPECT_EQ(h.percentile(1.0), samples.back()) << "p100 is the exact max";
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.count(), samples.size());
}

TEST(Histogram, UniformSamplesWithinOnePercent) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> dist(1, 2'000'000);
  std::vector<std::uint64_t> samples(200'000);
  for (auto& v : samples) v = dist(rng);
  expect_within_one_percent(samples);
}

TEST(Histogram, HeavilySkewedSamplesWithinOnePercent) {
  // Log-normal: most values near 1 ms, a long tail reaching minutes.
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> dist(7.0, 2.5);
  std::vector<std::uint64_t> samples(200'000);
  for (auto& v : samples) v = 1 + static_cast<std::uint64_t>(dist(rng));
  expect_within_one_percent(samples);
}

TEST(Histogram, CoversOneMicrosecondToOverAnHour) {
  const std::uint64_t hour = 3'600'000'000ull;
  for (std::uint64_t v : std::vector<std::uint64_t>{1, 127, 128, 1000, 999'999, hour, 5 * hour}) {
    Histogram h;
    h.record(v);
    h.record(v);  // two samples, so the percentile comes from the bucket, not the max
    double got = static_cast<double>(h.percentile(0.5));
    EXPECT_LE(std::abs(got - v), 0.01 * v) << v;
  }
}

TEST(Histogram, BucketsTileTheRange) {
  for (int i = 0; i + 1 < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(Histogram::bucket_upper(i) + 1, Histogram::bucket_lower(i + 1)) << i;
    ASSERT_EQ(Histogram::bucket_of(Histogram::bucket_lower(i)), i);
    ASSERT_EQ(Histogram::bucket_of(Histogram::bucket_upper(i)), i);
  }
}

TEST(Histogram, MergingEqualsRecordingIntoOne) {
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> dist(1.0 / 5000);
  Histogram a, b, c, all;
  for (int i = 0; i < 30'000; ++i) {
    auto v = static_cast<std::uint64_t>(dist(rng));
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).record(v);
    all.record(v);
  }
  Histogram merged;
  merged.merge(a);
  merged.merge(b);
  merged.merge(c);
  EXPECT_EQ(merged.counts(), all.counts());
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
}

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.percentile(0.5), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
}

}  // namespace
}  // namespace nest::host
