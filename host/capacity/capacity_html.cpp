#include "capacity/capacity_html.h"

#include <boost/json.hpp>
#include <cmath>

#include "capacity/capacity_json.h"
#include "report/html_report.h"
#include "report/json_io.h"

namespace nest::host {

std::string render_capacity_html(const CapacityResult& result) {
  return render_html_page("Nest capacity: " + result.info.host + " " + result.info.started_at,
                          "{\"kind\":\"capacity\",\"capacity\":" + capacity_to_json(result) + "}");
}

std::string render_fit_html(const FitReport& report) {
  json::array points, curve, warnings;
  for (const auto& p : report.points) {
    points.push_back(json::object{{"servers", json_number(p.servers)},
                                  {"capacity", json_number(p.capacity)},
                                  {"source", p.source}});
  }
  for (const auto& [n, c] : report.curve)
    curve.push_back(json::array{json_number(n), json_number(c)});
  for (const auto& w : report.warnings) warnings.push_back(json::string(w));
  auto optional = [](const std::optional<double>& v) {
    return v ? json_number(*v) : json::value(nullptr);
  };
  const UslFit& f = report.fit;
  json::object fit{{"lambda", json_number(f.lambda)},
                   {"sigma", json_number(f.sigma)},
                   {"kappa", json_number(f.kappa)},
                   {"r_squared", json_number(f.r_squared)},
                   {"peak_servers", optional(f.peak_servers)},
                   {"peak_capacity", optional(f.peak_capacity)},
                   {"stops_paying_at", optional(f.stops_paying_at)},
                   {"min_servers", json_number(f.min_servers)},
                   {"max_servers", json_number(f.max_servers)}};
  json::object data{{"kind", "capacity-fit"},
                    {"fit",
                     {{"points", std::move(points)},
                      {"fit", std::move(fit)},
                      {"curve", std::move(curve)},
                      {"extrapolated_from", optional(report.extrapolated_from)},
                      {"warnings", std::move(warnings)}}}};
  return render_html_page("Nest capacity fit", json::serialize(data));
}

}  // namespace nest::host
