// When open-model sessions arrive. The rate moves linearly between the targets it is given (a
// stage ramps it, a control call may set it at once); an arrival comes each time the integral
// of the rate grows by one (constant spacing: the first at once) or by an exponential draw (a
// Poisson process, inhomogeneous where the rate ramps). Times are seconds since the start.
//
// Thread-safety: none; the run's thread owns it.
#pragma once

#include <optional>

#include "engine/run_plan.h"
#include "util/rng.h"

namespace nest::host {

class ArrivalPlan {
 public:
  ArrivalPlan(Arrivals kind, std::uint64_t seed);

  // From `now` on, the rate moves linearly from its value at `now` to `rate` over `ramp`
  // seconds (0: at once), then holds. Arrivals due before `now` should have been consumed
  // (one still due comes at `now`).
  void aim(double now, double rate, double ramp);
  // The time of the next arrival, or none while the rate stays 0.
  std::optional<double> next() const;
  // The arrival at next() happened.
  void consume();
  // The rate at time `t` (arrivals per second).
  double rate_at(double t) const;

 private:
  double area(double from, double to) const;  // the integral of the rate
  double draw();                              // the intensity to the next arrival

  Arrivals kind_;
  Rng rng_;
  double t0_ = 0, r0_ = 0, t1_ = 0, r1_ = 0;  // the rate: r0 at t0, linear to r1 at t1, then r1
  double base_ = 0;   // the rate's integral from the first aim to t0 (arrivals "due" by then)
  double level_ = 0;  // the integral at which the next arrival comes
  bool aimed_ = false;
};

}  // namespace nest::host
