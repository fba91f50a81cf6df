// nest-host capacity fit RESULT.json... [--at N]... [--html FILE]: the Universal Scalability
// Law fitted to capacity searches run at different server counts (capacity/usl_fit.h): how
// capacity grows with servers, where it peaks, where one more server stops paying.
#include <cmath>
#include <cstdio>

#include "capacity/capacity_html.h"
#include "capacity/capacity_json.h"
#include "capacity/usl_fit.h"
#include "commands/command_line.h"
#include "commands/commands.h"
#include "report/result_json.h"
#include "util/atomic_file.h"

namespace nest::host {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: nest-host capacity fit RESULT.json RESULT.json RESULT.json... [--at N]... "
    "[--html FILE]\n"
    "Fits the Universal Scalability Law to capacity searches (nest-host capacity --json) run "
    "at different server counts; each records its --servers.";

// A search's point: its servers (from the cost inputs) and the capacity it found, in req/s.
UslPoint point_of(const std::string& path) {
  CapacityResult r = read_capacity_file(path);
  if (!r.cost.servers.value) {
    throw UslFitError(path +
                      ": records no server count: run the search with --servers N (or "
                      "servers = N in [cost])");
  }
  if (!r.capacity) {
    throw UslFitError(path + ": found no capacity (it ended: " + r.ending + ")");
  }
  if (r.capacity->at_ceiling) {
    throw UslFitError(path +
                      ": reached its --ceiling, so its capacity is only a lower bound: "
                      "search again with a higher ceiling");
  }
  return {*r.cost.servers.value, r.capacity->rps, path};
}

// The fitted curve from 1 server to past the measured range: to twice the largest count, or to
// a little past the peak when the peak is within four times it.
FitReport curve_of(std::vector<UslPoint> points, const UslFit& fit) {
  FitReport report;
  report.points = std::move(points);
  report.fit = fit;
  double end = fit.max_servers * 2;
  if (fit.peak_servers && *fit.peak_servers * 1.25 > end) {
    end = std::min(*fit.peak_servers * 1.25, fit.max_servers * 4);
  }
  double start = std::min(1.0, fit.min_servers);
  for (int i = 0; i <= 200; ++i) {
    double n = start + (end - start) * i / 200;
    report.curve.emplace_back(n, fit.predict(n));
  }
  report.extrapolated_from = fit.max_servers;
  return report;
}

void print_fit(const FitReport& report) {
  const UslFit& f = report.fit;
  std::printf("USL fit over %d searches (%.0f to %.0f servers), capacity in requests/s\n", f.points,
              f.min_servers, f.max_servers);
  std::printf("  C(N) = %.1f N / (1 + %.4f (N-1) + %.6f N(N-1))\n", f.lambda, f.sigma, f.kappa);
  std::printf(
      "  lambda %.1f req/s (one server, no contention), sigma %.4f (contention), kappa "
      "%.6f (coherency), R^2 %.4f\n",
      f.lambda, f.sigma, f.kappa, f.r_squared);
  if (f.peak_servers) {
    std::printf("  capacity peaks at %.1f servers, %.1f req/s%s\n", *f.peak_servers,
                *f.peak_capacity,
                extrapolation_warning(f, *f.peak_servers) ? " (an extrapolation)" : "");
  } else {
    std::printf("  no peak: capacity keeps growing with servers (kappa = 0)\n");
  }
  if (f.stops_paying_at) {
    std::printf(
        "  adding servers stops paying after %.0f: server %.0f adds less than half of "
        "one ideal server (%.1f req/s)%s\n",
        *f.stops_paying_at, *f.stops_paying_at + 1, f.lambda / 2,
        extrapolation_warning(f, *f.stops_paying_at) ? " (an extrapolation)" : "");
  }
  std::printf("\n  %8s %12s %12s %9s  %s\n", "servers", "measured", "fitted", "residual", "source");
  for (const auto& p : report.points) {
    double fitted = f.predict(p.servers);
    std::printf("  %8.0f %12.1f %12.1f %8.1f%%  %s\n", p.servers, p.capacity, fitted,
                (p.capacity - fitted) / fitted * 100, p.source.c_str());
  }
  for (const auto& w : report.warnings) std::printf("  warning: %s\n", w.c_str());
}

}  // namespace

int capacity_fit_command(int argc, const char* const* argv) {
  std::vector<std::string> files;
  std::vector<double> at;
  std::string html;
  po::options_description options("Options");
  options.add_options()("at", po::value(&at)->composing(),
                        "predict the capacity at N servers (repeatable)")(
      "html", po::value(&html), "write the fit as a self-contained HTML report");
  po::options_description hidden;
  hidden.add_options()("result", po::value(&files)->composing());
  po::positional_options_description positional;
  positional.add("result", -1);
  po::variables_map vm;
  int stop = parse_subcommand(argc, argv, options, hidden, positional, kUsage, vm);
  if (stop >= 0) return stop;
  for (double n : at) {
    if (!(n > 0) || !std::isfinite(n)) {
      return subcommand_error("capacity fit", "--at: a server count is more than 0");
    }
  }
  FitReport report;
  try {
    std::vector<UslPoint> points;
    for (const auto& f : files) points.push_back(point_of(f));
    report = curve_of(points, fit_usl(points));
  } catch (const ResultFileError& e) {
    return subcommand_error("capacity fit", e.what());
  } catch (const UslFitError& e) {
    return subcommand_error("capacity fit", e.what());
  }
  for (double n : at) {
    auto warning = extrapolation_warning(report.fit, n);
    std::string line = "at " + std::to_string(static_cast<long long>(std::llround(n))) +
                       " servers the fit predicts " +
                       std::to_string(static_cast<long long>(std::llround(report.fit.predict(n)))) +
                       " req/s";
    if (warning) report.warnings.push_back(line + ": " + *warning);
    std::printf("%s%s\n", line.c_str(), warning ? " (see the warning below)" : "");
  }
  print_fit(report);
  if (!html.empty()) {
    try {
      write_atomically(html, render_fit_html(report));
      std::printf("Report: %s\n", html.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nest-host: %s\n", e.what());
      return 1;
    }
  }
  return 0;
}

}  // namespace nest::host
