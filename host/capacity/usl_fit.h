// The Universal Scalability Law (Gunther) fitted to capacities measured at several server
// counts, and what it says: where capacity peaks, where one more server stops paying, and when a
// prediction is a guess. No I/O: the caller reads the points and prints the answers.
//
//   C(N) = λN / (1 + σ(N − 1) + κN(N − 1))
//
// N is the number of servers (or nodes), C the capacity measured at N (e.g. requests/s at the
// service level; any unit, the fit keeps it), λ the capacity of one server with no contention,
// σ the contention (the serial fraction, 0..1) and κ the coherency cost (crosstalk, >= 0).
//
// Written by hand: the fit is a 3-parameter bounded least squares, too small for a library.
// Method: linear least squares on N/C = a + b(N − 1) + cN(N − 1) (a = 1/λ, b = σ/λ, c = κ/λ)
// gives a start, clamped to the bounds; Levenberg–Marquardt on the residuals C_i − C(N_i), with
// the bounds enforced (a parameter held at a bound while the descent points out of it), refines
// it. A second start (σ = κ = 0) is refined too and the better fit kept. Deterministic.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nest::host {

// One measurement: the capacity found at a number of servers.
struct UslPoint {
  double servers = 0;   // servers (or nodes) in the tested configuration, > 0
  double capacity = 0;  // capacity measured there (any unit, e.g. requests/s), > 0
  std::string source;   // where it came from (a file name), for messages
};

struct UslFit {
  double lambda = 0;     // capacity of one server with no contention (the unit of C)
  double sigma = 0;      // contention, 0 <= σ <= 1
  double kappa = 0;      // coherency, κ >= 0
  double r_squared = 0;  // 1 − SSE/SST on C over the points (1 when the points are all equal
                         // and fitted exactly)
  // N* = sqrt((1 − σ)/κ) when κ > 0, never below 1 server; none when κ = 0 (capacity grows
  // forever: linearly if σ = 0 too, sub-linearly otherwise).
  std::optional<double> peak_servers;
  std::optional<double> peak_capacity;  // C(N*)
  // Where adding a server stops paying: the smallest whole N >= 1 whose next server adds less
  // than half of what one ideal server adds, C(N + 1) − C(N) < λ/2. None if none up to
  // kMaxServersSearched.
  std::optional<double> stops_paying_at;
  double min_servers = 0;  // the measured range
  double max_servers = 0;
  int points = 0;  // how many points were fitted

  static constexpr double kMaxServersSearched = 10000;

  // C(N) from the fitted parameters. Any N >= 0; see extrapolation_warning() before trusting it
  // outside the measured range.
  double predict(double servers) const;
};

struct UslFitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Fits λ, σ, κ by least squares on C (σ, κ >= 0, σ <= 1). Points may repeat a server count.
// Throws UslFitError, naming the sources, for: a non-positive or non-finite servers or capacity
// value; fewer than three points; fewer than three different server counts.
UslFit fit_usl(const std::vector<UslPoint>& points);

// A reason not to trust predict(servers), or none: `servers` is beyond twice the largest server
// count measured, or below the smallest. The caller prints it; nothing silently extrapolates.
std::optional<std::string> extrapolation_warning(const UslFit& fit, double servers);

}  // namespace nest::host
