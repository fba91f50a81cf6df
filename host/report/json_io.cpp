#include "report/json_io.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nest::host {

double twelve_digits(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  int exponent = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  int shift = 11 - exponent;
  if (shift < -22 || shift > 22) {
    // Past the exact powers of ten (2E60, 1E-30): the C library rounds as exactly.
    char text[32];
    std::snprintf(text, sizeof text, "%.11e", v);
    return std::strtod(text, nullptr);
  }
  double scale = std::pow(10.0, std::abs(shift));  // exact up to 1e22
  return shift >= 0 ? std::round(v * scale) / scale : std::round(v / scale) * scale;
}

json::value json_number(double v) {
  return std::isfinite(v) ? json::value(twelve_digits(v)) : json::value(nullptr);
}

json::value parse_json(const std::string& text, const std::string& origin) {
  json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    std::size_t line = 1 + static_cast<std::size_t>(std::count(
                               text.begin(), text.begin() + static_cast<long>(used), '\n'));
    throw ResultFileError(origin + ":" + std::to_string(line) + ": not valid JSON (" +
                          ec.message() + ")");
  }
  return parser.release();
}

json::array tasksets_json(const std::vector<TasksetShare>& tasksets) {
  json::array out;
  for (const auto& t : tasksets) {
    out.push_back(json::object{{"name", t.name},
                               {"weight", t.weight},
                               {"source", t.source},
                               {"plugin", t.plugin},
                               {"transport", t.transport},
                               {"fixed_count", t.fixed_count}});
  }
  return out;
}

std::vector<TasksetShare> read_tasksets(const JsonReader& in, const json::object& doc) {
  std::vector<TasksetShare> out;
  const json::array& tasksets = in.array(in.field(doc, "tasksets", ""), "tasksets");
  for (std::size_t i = 0; i < tasksets.size(); ++i) {
    std::string where = "tasksets[" + std::to_string(i) + "]";
    const json::object& t = in.object(tasksets[i], where);
    out.push_back({in.text(t, "name", where), static_cast<int>(in.count(t, "weight", where)),
                   in.text(t, "source", where), in.text(t, "plugin", where),
                   in.text(t, "transport", where)});
    if (t.contains("fixed_count")) {  // absent from results written before it was kept
      out.back().fixed_count = static_cast<int>(in.count(t, "fixed_count", where));
    }
  }
  return out;
}

}  // namespace nest::host
