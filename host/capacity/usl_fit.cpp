#include "capacity/usl_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <set>

namespace nest::host {
namespace {

using Params = std::array<double, 3>;  // λ, σ, κ
constexpr int kLambda = 0, kSigma = 1, kKappa = 2;
constexpr double kLowerBound[3] = {1e-300, 0.0, 0.0};
constexpr double kUpperBound[3] = {HUGE_VAL, 1.0, HUGE_VAL};
constexpr int kMaxIterations = 500;
constexpr double kNegligible = 1e-12;  // relative: below it, a difference is rounding

double usl(const Params& p, double n) {
  return p[kLambda] * n / (1 + p[kSigma] * (n - 1) + p[kKappa] * n * (n - 1));
}

double sse(const Params& p, const std::vector<UslPoint>& points) {
  double sum = 0;
  for (const UslPoint& point : points) {
    double r = point.capacity - usl(p, point.servers);
    sum += r * r;
  }
  return sum;
}

Params clamp(Params p) {
  for (int j = 0; j < 3; ++j) p[j] = std::clamp(p[j], kLowerBound[j], kUpperBound[j]);
  return p;
}

// Solves the n×n system a·x = b (n <= 3) by Gaussian elimination with partial pivoting; false
// when it is singular.
bool solve(std::array<std::array<double, 3>, 3> a, std::array<double, 3> b, int n,
           std::array<double, 3>& x) {
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int row = col + 1; row < n; ++row) {
      if (std::fabs(a[row][col]) > std::fabs(a[pivot][col])) pivot = row;
    }
    if (!(std::fabs(a[pivot][col]) > 0)) return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (int row = col + 1; row < n; ++row) {
      double f = a[row][col] / a[col][col];
      for (int k = col; k < n; ++k) a[row][k] -= f * a[col][k];
      b[row] -= f * b[col];
    }
  }
  for (int row = n - 1; row >= 0; --row) {
    double sum = b[row];
    for (int k = row + 1; k < n; ++k) sum -= a[row][k] * x[k];
    x[row] = sum / a[row][row];
  }
  return std::all_of(x.begin(), x.begin() + n, [](double v) { return std::isfinite(v); });
}

// The best λ for fixed σ and κ (C is linear in λ): Σ C·g / Σ g², g = N / D(N).
double best_lambda(double sigma, double kappa, const std::vector<UslPoint>& points) {
  double num = 0, den = 0;
  for (const UslPoint& point : points) {
    double g = usl({1, sigma, kappa}, point.servers);
    num += point.capacity * g;
    den += g * g;
  }
  return num / den;
}

// The start: least squares on N/C = a + b(N − 1) + cN(N − 1), columns scaled to a largest
// value of 1 for conditioning, then clamped to the bounds.
Params linearised_start(const std::vector<UslPoint>& points) {
  std::array<double, 3> scale = {1, 1, 1};
  for (const UslPoint& point : points) {
    double n = point.servers;
    scale[1] = std::max(scale[1], std::fabs(n - 1));
    scale[2] = std::max(scale[2], std::fabs(n * (n - 1)));
  }
  std::array<std::array<double, 3>, 3> ata{};
  std::array<double, 3> aty{};
  for (const UslPoint& point : points) {
    double n = point.servers;
    std::array<double, 3> row = {1 / scale[0], (n - 1) / scale[1], n * (n - 1) / scale[2]};
    double y = n / point.capacity;
    for (int i = 0; i < 3; ++i) {
      aty[i] += row[i] * y;
      for (int k = 0; k < 3; ++k) ata[i][k] += row[i] * row[k];
    }
  }
  std::array<double, 3> x{};
  double sigma = 0, kappa = 0;
  if (solve(ata, aty, 3, x)) {
    double a = x[0] / scale[0], b = x[1] / scale[1], c = x[2] / scale[2];
    if (a > 0) {
      sigma = std::clamp(b / a, 0.0, 1.0);
      kappa = std::max(c / a, 0.0);
    }
  }
  return clamp({best_lambda(sigma, kappa, points), sigma, kappa});
}

// Levenberg–Marquardt from `p` on the residuals C_i − C(N_i), within the bounds: a parameter at
// a bound whose descent direction points out of the box is held there for the step, and every
// step is clamped into the box. A step is kept only if it lowers the SSE.
Params refine(Params p, const std::vector<UslPoint>& points) {
  double current = sse(p, points);
  double total = 0;
  for (const UslPoint& point : points) total += point.capacity * point.capacity;
  double mu = 1e-3;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    if (current <= 1e-26 * total) break;  // exact, to rounding
    std::array<std::array<double, 3>, 3> jtj{};
    std::array<double, 3> jtr{};
    for (const UslPoint& point : points) {
      double n = point.servers;
      double d = 1 + p[kSigma] * (n - 1) + p[kKappa] * n * (n - 1);
      std::array<double, 3> jac = {n / d, -p[kLambda] * n * (n - 1) / (d * d),
                                   -p[kLambda] * n * n * (n - 1) / (d * d)};
      double r = point.capacity - p[kLambda] * n / d;
      for (int i = 0; i < 3; ++i) {
        jtr[i] += jac[i] * r;
        for (int k = 0; k < 3; ++k) jtj[i][k] += jac[i] * jac[k];
      }
    }
    // jtr is minus the gradient of SSE/2: a positive entry wants the parameter to grow.
    std::array<int, 3> free{};
    int n_free = 0;
    for (int j = 0; j < 3; ++j) {
      bool held = (p[j] <= kLowerBound[j] && jtr[j] <= 0) ||
                  (p[j] >= kUpperBound[j] && jtr[j] >= 0) || !(jtj[j][j] > 0);
      if (!held) free[n_free++] = j;
    }
    if (n_free == 0) break;
    bool improved = false;
    while (mu < 1e16) {
      std::array<std::array<double, 3>, 3> a{};
      std::array<double, 3> b{}, step{};
      for (int i = 0; i < n_free; ++i) {
        b[i] = jtr[free[i]];
        for (int k = 0; k < n_free; ++k) a[i][k] = jtj[free[i]][free[k]];
        a[i][i] *= 1 + mu;
      }
      if (solve(a, b, n_free, step)) {
        Params next = p;
        for (int i = 0; i < n_free; ++i) next[free[i]] += step[i];
        next = clamp(next);
        double value = sse(next, points);
        if (value < current) {
          double gain = current - value;
          p = next;
          current = value;
          mu = std::max(mu / 3, 1e-12);
          improved = gain > 1e-15 * current;
          if (!improved) return p;  // converged
          break;
        }
      }
      mu *= 4;
    }
    if (!improved) break;
  }
  return p;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string describe(const UslPoint& point, size_t index) {
  std::string source = point.source.empty() ? "point " + std::to_string(index + 1) : point.source;
  return source + ": " + number(point.servers) + (point.servers == 1 ? " server" : " servers");
}

std::string list(const std::vector<UslPoint>& points) {
  std::string text;
  for (size_t i = 0; i < points.size(); ++i) text += (i ? ", " : "") + describe(points[i], i);
  return text;
}

void check(const std::vector<UslPoint>& points) {
  for (size_t i = 0; i < points.size(); ++i) {
    const UslPoint& point = points[i];
    std::string source = point.source.empty() ? "point " + std::to_string(i + 1) : point.source;
    if (!(point.servers > 0) || !std::isfinite(point.servers)) {
      throw UslFitError(source + ": servers must be a positive number, got " +
                        number(point.servers));
    }
    if (!(point.capacity > 0) || !std::isfinite(point.capacity)) {
      throw UslFitError(source + ": capacity must be a positive number, got " +
                        number(point.capacity) + " (at " + number(point.servers) + " servers)");
    }
  }
  constexpr const char* kWhy =
      "the USL has three parameters: a fit needs capacity measured at three or more different "
      "server counts; got ";
  if (points.empty()) throw UslFitError(std::string(kWhy) + "none");
  if (points.size() < 3) {
    throw UslFitError(kWhy + std::to_string(points.size()) + " (" + list(points) + ")");
  }
  std::set<double> counts;
  for (const UslPoint& point : points) counts.insert(point.servers);
  if (counts.size() < 3) {
    throw UslFitError(kWhy + std::to_string(points.size()) + " points at only " +
                      std::to_string(counts.size()) + " different server counts (" + list(points) +
                      ")");
  }
}

}  // namespace

double UslFit::predict(double servers) const { return usl({lambda, sigma, kappa}, servers); }

UslFit fit_usl(const std::vector<UslPoint>& points) {
  check(points);
  Params best = refine(linearised_start(points), points);
  Params other = refine(clamp({best_lambda(0, 0, points), 0, 0}), points);
  if (sse(other, points) < sse(best, points)) best = other;

  UslFit fit;
  fit.lambda = best[kLambda];
  fit.sigma = best[kSigma];
  fit.kappa = best[kKappa];
  fit.points = static_cast<int>(points.size());
  fit.min_servers = fit.max_servers = points.front().servers;
  double mean = 0, squares = 0;
  for (const UslPoint& point : points) {
    fit.min_servers = std::min(fit.min_servers, point.servers);
    fit.max_servers = std::max(fit.max_servers, point.servers);
    mean += point.capacity / points.size();
    squares += point.capacity * point.capacity;
  }
  // A κ whose effect on C over the measured range is below rounding is rounding: without this,
  // flat data would show a peak.
  double top = fit.max_servers;
  if (fit.kappa * top * (top - 1) < kNegligible * (1 + fit.sigma * (top - 1))) fit.kappa = 0;
  double total = 0;
  for (const UslPoint& point : points) total += (point.capacity - mean) * (point.capacity - mean);
  double residual = sse({fit.lambda, fit.sigma, fit.kappa}, points);
  if (total > kNegligible * squares) {
    fit.r_squared = 1 - residual / total;
  } else {  // every capacity equal: all or nothing
    fit.r_squared = residual <= kNegligible * squares ? 1 : 0;
  }

  if (fit.kappa > 0) {
    fit.peak_servers = std::max(1.0, std::sqrt((1 - fit.sigma) / fit.kappa));
    fit.peak_capacity = fit.predict(*fit.peak_servers);
  }
  for (double n = 1; n <= UslFit::kMaxServersSearched; ++n) {
    if (fit.predict(n + 1) - fit.predict(n) < fit.lambda / 2) {
      fit.stops_paying_at = n;
      break;
    }
  }
  return fit;
}

std::optional<std::string> extrapolation_warning(const UslFit& fit, double servers) {
  if (servers > 2 * fit.max_servers) {
    return "predicting at " + number(servers) +
           " servers, beyond twice the largest server "
           "count measured (" +
           number(fit.max_servers) + "): the USL fit is a guess there; measure nearer to it";
  }
  if (servers < fit.min_servers) {
    return "predicting at " + number(servers) +
           " servers, below the smallest server count "
           "measured (" +
           number(fit.min_servers) + "): the USL fit is a guess there; measure nearer to it";
  }
  return std::nullopt;
}

}  // namespace nest::host
