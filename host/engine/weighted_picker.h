// Picks an index at random in proportion to integer weights (tasks, tasksets).
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "util/rng.h"

namespace nest::host {

class WeightedPicker {
 public:
  // Weights must be >= 0; an index of weight 0 is never picked.
  explicit WeightedPicker(const std::vector<int>& weights) {
    cumulative_.reserve(weights.size());
    std::uint64_t sum = 0;
    for (int w : weights) {
      if (w < 0) throw std::invalid_argument("negative weight");
      sum += static_cast<std::uint64_t>(w);
      cumulative_.push_back(sum);
    }
  }
  bool empty() const { return cumulative_.empty() || cumulative_.back() == 0; }
  // The weight of index i.
  double weight(std::size_t i) const {
    return static_cast<double>(cumulative_[i] - (i ? cumulative_[i - 1] : 0));
  }
  // Precondition: !empty().
  std::size_t pick(Rng& rng) const {
    std::uint64_t r = rng.below(cumulative_.back());
    return static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) -
                                    cumulative_.begin());
  }

 private:
  std::vector<std::uint64_t> cumulative_;  // running sums of the weights
};

}  // namespace nest::host
