#include "web/web_page.h"

#include "report/html_assets.h"
#include "report/html_report.h"

namespace nest::host {

std::string live_page(const std::string& token) {
  return fill_placeholders(html_assets::live_html(),
                           {{"NEST_VERSION", NEST_VERSION},
                            {"NEST_TOKEN", token},
                            {"UPLOT_CSS", std::string(html_assets::uplot_css())},
                            {"REPORT_CSS", std::string(html_assets::report_css())},
                            {"LIVE_CSS", std::string(html_assets::live_css())},
                            {"UPLOT_JS", std::string(html_assets::uplot_js())},
                            {"REPORT_JS", std::string(html_assets::report_js())},
                            {"LIVE_JS", std::string(html_assets::live_js())}});
}

}  // namespace nest::host
