#include "engine/arrival_plan.h"

#include <algorithm>
#include <cmath>

namespace nest::host {

ArrivalPlan::ArrivalPlan(Arrivals kind, std::uint64_t seed) : kind_(kind), rng_(seed) {}

double ArrivalPlan::rate_at(double t) const {
  if (t >= t1_) return r1_;
  if (t <= t0_) return r0_;
  return r0_ + (r1_ - r0_) * (t - t0_) / (t1_ - t0_);
}

double ArrivalPlan::area(double from, double to) const {
  if (to <= from) return 0;
  double mid = std::clamp(t1_, from, to);  // where the ramp ends, within [from, to]
  double ramp = (rate_at(from) + rate_at(mid)) / 2 * (mid - from);
  return ramp + r1_ * (to - mid);
}

double ArrivalPlan::draw() {
  if (kind_ == Arrivals::kConstant) return 1;
  return -std::log1p(-rng_.unit());  // Exp(1)
}

void ArrivalPlan::aim(double now, double rate, double ramp) {
  if (!aimed_) {
    aimed_ = true;
    // Constant spacing starts with an arrival at once; a Poisson process after its first gap.
    level_ = kind_ == Arrivals::kConstant ? 0 : draw();
  } else {
    base_ += area(t0_, now);
  }
  double current = rate_at(now);  // 0 before the first aim
  t0_ = now;
  r0_ = ramp > 0 ? current : rate;
  t1_ = now + std::max(0.0, ramp);
  r1_ = std::max(0.0, rate);
}

// Solved from the start of the segment, not from the last arrival: times are as exact as the
// plan (k / rate for a constant rate), and errors do not pile up over a long run.
std::optional<double> ArrivalPlan::next() const {
  if (!aimed_) return std::nullopt;
  double need = level_ - base_;
  if (need <= 0) return t0_;
  if (t0_ < t1_) {
    double to_end = area(t0_, t1_);
    if (to_end >= need) {
      double slope = (r1_ - r0_) / (t1_ - t0_);
      if (std::abs(slope) < 1e-12) return t0_ + need / r0_;
      // r0 * x + slope / 2 * x^2 = need
      double x = (-r0_ + std::sqrt(std::max(0.0, r0_ * r0_ + 2 * slope * need))) / slope;
      return t0_ + x;
    }
    if (r1_ <= 0) return std::nullopt;
    return t1_ + (need - to_end) / r1_;
  }
  if (r1_ <= 0) return std::nullopt;
  return t0_ + need / r1_;
}

void ArrivalPlan::consume() { level_ += draw(); }

}  // namespace nest::host
