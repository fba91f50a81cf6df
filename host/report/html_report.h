// The HTML reports: one self-contained file (uPlot, script, style and data inline; a Content
// Security Policy forbids any fetch), so it opens offline and can be attached to a ticket.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "report/compare.h"
#include "stats/run_result.h"

namespace nest::host {

// One run: verdict and key figures, charts over time (requests/s and failures/s, p50/p95/p99,
// users), the response-time distribution, the tables as on the console, failures, exceptions,
// thresholds, weights and run settings.
std::string render_result_html(const RunResult& result);

// Two runs: the rules, the per-row changes, and both runs' charts overlaid.
std::string render_compare_html(const RunResult& base, const RunResult& now,
                                const std::string& base_name, const std::string& new_name,
                                const Comparison& comparison);

// Fills a page template's @NAME@ placeholders from `values` in one pass, so that nothing
// inserted is scanned again (the scripts may contain '@'); an unknown @NAME@ stays as it is.
std::string fill_placeholders(std::string_view page,
                              const std::map<std::string, std::string>& values);

// A report page of any kind report.js draws: `data` is a JSON object whose "kind" names it
// ("result", "compare", "capacity", "capacity-fit"); `title` is plain text (escaped here).
std::string render_html_page(const std::string& title, const std::string& data);

}  // namespace nest::host
