#include "report/html_report.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "report/html_assets.h"
#include "report/result_json.h"

namespace nest::host {
namespace json = boost::json;

namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON inside <script>: "</script" would end the element early, and "<!--" would make the
// parser treat "<script" as nested. In JSON a '<' can only stand inside a string, where
// "\u003c" means the same: with no '<' left, no string can break out of the element.
std::string script_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string fill_placeholders(std::string_view page,
                              const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(page.size() + 200'000);
  std::size_t at = 0;
  while (at < page.size()) {
    std::size_t open = page.find('@', at);
    std::size_t close = open == std::string_view::npos ? open : page.find('@', open + 1);
    auto it = close == std::string_view::npos
                  ? values.end()
                  : values.find(std::string(page.substr(open + 1, close - open - 1)));
    if (it == values.end()) {
      std::size_t end = open == std::string_view::npos ? page.size() : open + 1;
      out.append(page.substr(at, end - at));
      at = end;
      continue;
    }
    out.append(page.substr(at, open - at));
    out += it->second;
    at = close + 1;
  }
  return out;
}

std::string render_html_page(const std::string& title, const std::string& data) {
  return fill_placeholders(html_assets::page_html(),
                           {{"NEST_VERSION", NEST_VERSION},
                            {"NEST_TITLE", escape_html(title)},
                            {"UPLOT_CSS", std::string(html_assets::uplot_css())},
                            {"REPORT_CSS", std::string(html_assets::report_css())},
                            {"NEST_DATA", script_safe(data)},
                            {"UPLOT_JS", std::string(html_assets::uplot_js())},
                            {"REPORT_JS", std::string(html_assets::report_js())}});
}

namespace {

json::value optional_number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json::value(*v) : json::value(nullptr);
}

json::array pair(const Change& c) { return {optional_number(c.base), optional_number(c.now)}; }

}  // namespace

std::string render_result_html(const RunResult& result) {
  std::string data = "{\"kind\":\"result\",\"result\":" + result_to_json(result) + "}";
  return render_html_page("Nest report: " + result.info.host + " " + result.info.started_at, data);
}

std::string render_compare_html(const RunResult& base, const RunResult& now,
                                const std::string& base_name, const std::string& new_name,
                                const Comparison& comparison) {
  json::array rows, rules;
  for (const auto& r : comparison.rows) {
    rows.push_back(json::object{{"method", r.method},
                                {"name", r.name},
                                {"in_base", r.in_base},
                                {"in_new", r.in_new},
                                {"rps", pair(r.rps)},
                                {"fail_ratio", pair(r.fail_ratio)},
                                {"p50", pair(r.p50)},
                                {"p95", pair(r.p95)},
                                {"p99", pair(r.p99)}});
  }
  for (const auto& v : comparison.rules) {
    rules.push_back(json::object{{"rule", v.rule}, {"broken", v.broken}, {"detail", v.detail}});
  }
  json::object names{
      {"base_name", base_name},
      {"new_name", new_name},
      {"comparison", json::object{{"rows", std::move(rows)}, {"rules", std::move(rules)}}}};
  std::string data = "{\"kind\":\"compare\",\"base\":" + result_to_json(base) +
                     ",\"new\":" + result_to_json(now) + "," +
                     json::serialize(names).substr(1);  // the object's members, after a comma
  return render_html_page("Nest comparison: " + base_name + " -> " + new_name, data);
}

}  // namespace nest::host
