// A log-linear histogram of durations in microseconds (HdrHistogram's layout, simplified).
//
// Values below 128 µs have a bucket each; above, every power of two is split into 64 equal
// buckets, so a bucket is at most 1/64 of its lower bound wide. A percentile is reported as its
// bucket's midpoint, clamped to the exact min and max seen: relative error at most 1/128
// (0.8 %), from 1 µs to 2^42 µs (about 50 days; longer values land in the last bucket).
// Histograms of the same layout merge exactly, so per-thread (and later per-machine)
// histograms add up to the one a single recorder would have made.
//
// Not thread-safe: one writer; merge snapshots elsewhere.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace nest::host {

class Histogram {
 public:
  static constexpr int kLinearBits = 7;                       // 128 exact buckets
  static constexpr int kSubBuckets = 1 << (kLinearBits - 1);  // 64 per power of two above
  static constexpr int kMaxExponent = 42;
  static constexpr int kBucketCount =
      (1 << kLinearBits) + (kMaxExponent - kLinearBits + 1) * kSubBuckets;

  Histogram() : counts_(kBucketCount, 0) {}

  void record(std::uint64_t micros);
  void merge(const Histogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  // The value at or below which `fraction` (0..1) of the recorded values lie; 0 when empty.
  // fraction 1 gives the exact max.
  std::uint64_t percentile(double fraction) const;

  // Raw access, for serialisers: bucket index <-> value range [lower, upper].
  static int bucket_of(std::uint64_t micros);
  static std::uint64_t bucket_lower(int index);
  static std::uint64_t bucket_upper(int index);
  const std::vector<std::uint64_t>& counts() const { return counts_; }

  // Rebuilds a histogram from its non-empty buckets (index, count) and the exact min and max,
  // as a serialiser wrote them. Throws std::invalid_argument when they do not fit this layout.
  static Histogram restore(const std::vector<std::pair<int, std::uint64_t>>& buckets,
                           std::uint64_t min, std::uint64_t max);

  bool operator==(const Histogram&) const = default;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace nest::host
