#include <vector>

#include "commands/command_line.h"
#include "commands/commands.h"
#include "report/compare.h"
#include "report/html_report.h"
#include "report/result_json.h"
#include "util/atomic_file.h"

namespace nest::host {
namespace po = boost::program_options;

int compare_command(int argc, const char* const* argv) {
  std::vector<std::string> files, rules_text;
  std::string html;
  po::options_description options("Options");
  options.add_options()("html", po::value(&html),
                        "also write an HTML page with both runs' charts overlaid")(
      "fail-on", po::value(&rules_text)->composing(),
      "exit with 3 when this rule breaks, repeatable: 'p95>+10%', 'fail_ratio>+0.5pp', "
      "'rps<-5%', 'GET /items:p99>+20%'");
  po::options_description hidden;
  hidden.add_options()("files", po::value(&files), "BASE.json NEW.json");
  po::positional_options_description positional;
  positional.add("files", 2);
  po::variables_map vm;
  int stop = parse_subcommand(argc, argv, options, hidden, positional,
                              "Usage: nest-host compare BASE.json NEW.json [--html FILE] "
                              "[--fail-on RULE]...\nHow NEW differs from BASE, per request row.",
                              vm);
  if (stop >= 0) return stop;
  if (files.size() != 2)
    return subcommand_error("compare", "give two result files: BASE.json NEW.json");
  std::vector<CompareRule> rules;
  try {
    for (const auto& text : rules_text) rules.push_back(parse_compare_rule(text));
  } catch (const std::invalid_argument& e) {
    return subcommand_error("compare", e.what());
  }
  RunResult base, now;
  try {
    base = read_result_file(files[0]);
    now = read_result_file(files[1]);
  } catch (const ResultFileError& e) {
    return subcommand_error("compare", e.what());
  }
  Comparison comparison = compare_results(base, now, rules);
  print_comparison(stdout, comparison, files[0], files[1]);
  if (!html.empty()) {
    try {
      write_atomically(html, render_compare_html(base, now, files[0], files[1], comparison));
    } catch (const std::exception& e) {
      return subcommand_error("compare", e.what());
    }
    std::printf("Report: %s\n", html.c_str());
  }
  for (const auto& v : comparison.rules) {
    if (v.broken) return 3;
  }
  return 0;
}

}  // namespace nest::host
