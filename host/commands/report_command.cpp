
#include "capacity/capacity_console.h"
#include "capacity/capacity_html.h"
#include "capacity/capacity_json.h"
#include "commands/command_line.h"
#include "commands/commands.h"
#include "report/console.h"
#include "report/html_report.h"
#include "report/result_json.h"
#include "stats/aggregator.h"
#include "util/atomic_file.h"

namespace nest::host {
namespace po = boost::program_options;

namespace {

// A capacity search's document (nest-host capacity --json): its summary, and its report.
int report_capacity(const std::string& file, const std::string& html) {
  CapacityResult result;
  try {
    result = read_capacity_file(file);
  } catch (const ResultFileError& e) {
    return subcommand_error("report", e.what());
  }
  std::printf("%s: %s, %s, started %s\n", file.c_str(), result.info.host.c_str(),
              result.info.plan.c_str(), result.info.started_at.c_str());
  print_capacity_summary(stdout, result);
  if (html.empty()) return 0;
  try {
    write_atomically(html, render_capacity_html(result));
  } catch (const std::exception& e) {
    return subcommand_error("report", e.what());
  }
  std::printf("Report: %s\n", html.c_str());
  return 0;
}

}  // namespace

int report_command(int argc, const char* const* argv) {
  std::string file, html;
  po::options_description options("Options");
  options.add_options()("html", po::value(&html), "write the HTML report to this file");
  po::options_description hidden;
  hidden.add_options()("result", po::value(&file), "RESULT.json, as written by nest-host --json");
  po::positional_options_description positional;
  positional.add("result", 1);
  po::variables_map vm;
  int stop = parse_subcommand(argc, argv, options, hidden, positional,
                              "Usage: nest-host report RESULT.json [--html FILE]\n"
                              "Shows a saved result's tables again (a run's, or a capacity "
                              "search's), and renders its HTML report.",
                              vm);
  if (stop >= 0) return stop;
  if (file.empty()) return subcommand_error("report", "give a result file: RESULT.json");
  if (is_capacity_file(file)) return report_capacity(file, html);
  RunResult result;
  try {
    result = read_result_file(file);
  } catch (const ResultFileError& e) {
    return subcommand_error("report", e.what());
  }
  Summary summary = summarize_totals(result.totals, result.total, result.info.measured_s());
  std::printf("%s: %s, %s, %.1f s, started %s\n\n", file.c_str(), result.info.host.c_str(),
              result.info.plan.empty() ? (std::to_string(result.info.users) + " users").c_str()
                                       : result.info.plan.c_str(),
              result.info.elapsed_s, result.info.started_at.c_str());
  print_request_table(stdout, summary, false);
  print_percentile_table(stdout, summary);
  print_connections(stdout, summary);
  print_load_model(stdout, result.info.model, result.totals, result.timeline,
                   result.info.measured_s());
  print_failures(stdout, summary);
  print_exceptions(stdout, summary);
  print_thresholds(stdout, result.thresholds);
  if (html.empty()) return 0;
  try {
    write_atomically(html, render_result_html(result));
  } catch (const std::exception& e) {
    return subcommand_error("report", e.what());
  }
  std::printf("Report: %s\n", html.c_str());
  return 0;
}

}  // namespace nest::host
