#include "stats/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nest::host {

int Histogram::bucket_of(std::uint64_t v) {
  if (v < (1u << kLinearBits)) return static_cast<int>(v);
  int exponent = std::bit_width(v) - 1;  // >= kLinearBits
  if (exponent > kMaxExponent) return kBucketCount - 1;
  int shift = exponent - (kLinearBits - 1);
  int sub = static_cast<int>(v >> shift) - kSubBuckets;  // 0..63
  return (1 << kLinearBits) + (exponent - kLinearBits) * kSubBuckets + sub;
}

std::uint64_t Histogram::bucket_lower(int index) {
  if (index < (1 << kLinearBits)) return static_cast<std::uint64_t>(index);
  int rel = index - (1 << kLinearBits);
  int exponent = kLinearBits + rel / kSubBuckets;
  int sub = rel % kSubBuckets;
  int shift = exponent - (kLinearBits - 1);
  return static_cast<std::uint64_t>(kSubBuckets + sub) << shift;
}

std::uint64_t Histogram::bucket_upper(int index) {
  if (index < (1 << kLinearBits)) return static_cast<std::uint64_t>(index);
  if (index == kBucketCount - 1) return UINT64_MAX;
  return bucket_lower(index + 1) - 1;
}

void Histogram::record(std::uint64_t micros) {
  ++counts_[bucket_of(micros)];
  ++count_;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::clear() {
  if (count_ == 0) return;
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

Histogram Histogram::restore(const std::vector<std::pair<int, std::uint64_t>>& buckets,
                             std::uint64_t min, std::uint64_t max) {
  Histogram h;
  for (const auto& [index, count] : buckets) {
    if (index < 0 || index >= kBucketCount) {
      throw std::invalid_argument("bucket " + std::to_string(index) + " is outside 0.." +
                                  std::to_string(kBucketCount - 1));
    }
    h.counts_[index] += count;
    h.count_ += count;
  }
  if (h.count_ == 0) return h;
  auto first = std::find_if(h.counts_.begin(), h.counts_.end(), [](auto c) { return c > 0; });
  auto last = std::find_if(h.counts_.rbegin(), h.counts_.rend(), [](auto c) { return c > 0; });
  if (min > max || bucket_of(min) != first - h.counts_.begin() ||
      bucket_of(max) != h.counts_.rend() - last - 1) {
    throw std::invalid_argument("min " + std::to_string(min) + " and max " +
                                std::to_string(max) + " do not match the buckets");
  }
  h.min_ = min;
  h.max_ = max;
  return h;
}

std::uint64_t Histogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  if (fraction >= 1.0) return max_;
  // The rank of the wanted value among the sorted samples, 1-based (nearest-rank method).
  auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      std::uint64_t lower = bucket_lower(i);
      std::uint64_t upper = bucket_upper(i);
      std::uint64_t mid = lower + (upper - lower) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace nest::host
