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
  double current = rate_at(now);  // 0 before the first aim
  if (!aimed_) {
    aimed_ = true;
    // Constant spacing starts with an arrival at once; a Poisson process after its first gap.
    need_ = kind_ == Arrivals::kConstant ? 0 : draw();
  } else {
    need_ = std::max(0.0, need_ - area(since_, now));
  }
  since_ = now;
  t0_ = now;
  r0_ = ramp > 0 ? current : rate;
  t1_ = now + std::max(0.0, ramp);
  r1_ = std::max(0.0, rate);
}

std::optional<double> ArrivalPlan::next() const {
  if (!aimed_) return std::nullopt;
  double t = since_;
  double need = need_;
  if (t < t1_) {
    double rate = rate_at(t);
    double to_end = area(t, t1_);
    if (to_end >= need) {
      double slope = (r1_ - r0_) / (t1_ - t0_);
      if (need <= 0) return t;
      if (std::abs(slope) < 1e-12) return t + need / rate;
      // rate * x + slope / 2 * x^2 = need
      double x = (-rate + std::sqrt(std::max(0.0, rate * rate + 2 * slope * need))) / slope;
      return t + x;
    }
    need -= to_end;
    t = t1_;
  }
  if (need <= 0) return t;
  if (r1_ <= 0) return std::nullopt;
  return t + need / r1_;
}

void ArrivalPlan::consume() {
  if (auto at = next()) since_ = *at;
  need_ = draw();
}

}  // namespace nest::host
