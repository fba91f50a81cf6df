// The web UI's page: live.html with the report's front end (uPlot, report.js, its style) and
// the UI's own script and style, all inline, carrying the per-process token its POSTs need.
#pragma once

#include <string>

namespace nest::host {

std::string live_page(const std::string& token);

}  // namespace nest::host
