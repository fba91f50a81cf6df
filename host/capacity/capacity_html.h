// The capacity search's HTML reports, drawn by the report's front end (report/html/report.js,
// kinds "capacity" and "capacity-fit"): one self-contained file each.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capacity/capacity_result.h"
#include "capacity/usl_fit.h"

namespace nest::host {

// A search: the verdict, the throughput–latency chart (p50/p95/p99 against requests/s, the
// service level's lines, the knee marked, invalid plateaus shaded), the plateau table, the
// cost figures and the settings.
std::string render_capacity_html(const CapacityResult& result);

// A USL fit over several searches: the measured points, the fitted curve (dashed where it is
// an extrapolation), the ideal linear line and the parameters.
struct FitReport {
  std::vector<UslPoint> points;
  UslFit fit;
  std::vector<std::pair<double, double>> curve;  // (servers, fitted capacity)
  std::optional<double> extrapolated_from;       // servers past which the curve is a guess
  std::vector<std::string> warnings;
};
std::string render_fit_html(const FitReport& report);

}  // namespace nest::host
