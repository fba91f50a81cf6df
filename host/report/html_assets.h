// The HTML report's front-end files, embedded into nest-host at build time
// (host/report/html/embed_assets.cmake): the page template, its script and style, and uPlot
// from node_modules (package-lock.json pins the version).
#pragma once

#include <string_view>

namespace nest::host::html_assets {

std::string_view page_html();   // host/report/html/report.html, with @NAME@ placeholders
std::string_view report_js();   // host/report/html/report.js
std::string_view report_css();  // host/report/html/report.css
std::string_view uplot_js();    // node_modules/uplot/dist/uPlot.iife.min.js
std::string_view uplot_css();   // node_modules/uplot/dist/uPlot.min.css
std::string_view live_html();   // host/web/html/live.html: the web UI's page
std::string_view live_js();     // host/web/html/live.js
std::string_view live_css();    // host/web/html/live.css

}  // namespace nest::host::html_assets
