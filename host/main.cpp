// nest-host: parse options → discover plugins → weigh → confirm → run → report.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string_view>

#include "commands/commands.h"
#include "config/configure.h"
#include "config/confirm.h"
#include "config/options.h"
#include "config/plan_table.h"
#include "config/weights.h"
#include "engine/fd_limit.h"
#include "engine/run.h"
#include "plugins/loader.h"
#include "report/console.h"
#include "report/html_report.h"
#include "report/live_report.h"
#include "report/result_json.h"
#include "util/atomic_file.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitThresholds = 3;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "nest-host: %s\n(see nest-host --help)\n", message.c_str());
  return kExitUsage;
}

// The settings of this run, as the result records them.
nest::host::RunInfo run_info(const nest::host::Options& o, std::optional<double> run_time_s) {
  nest::host::RunInfo info;
  info.nest_version = NEST_VERSION;
  info.host = o.run.transport.base_url;
  info.users = o.run.users;
  info.spawn_rate = o.run.spawn_rate;
  info.run_time_s = run_time_s;
  info.threads = o.run.threads;
  info.transport = nest::host::transport_name(o.run.transport.kind);
  info.seed = o.run.seed;
  char when[32];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  info.started_at = when;
  return info;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nest::host;
  if (argc > 1 && std::string_view(argv[1]) == "report") return report_command(argc - 1, argv + 1);
  if (argc > 1 && std::string_view(argv[1]) == "compare")
    return compare_command(argc - 1, argv + 1);
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  if (options.help) {
    std::fputs(options.help_text.c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("nest-host %s (taskset ABI %u)\n", NEST_VERSION, nest::kAbiVersion);
    return 0;
  }

  // Discover.
  std::error_code ec;
  if (!std::filesystem::is_directory(options.taskset_dir, ec)) {
    return usage_error("no taskset folder at '" + options.taskset_dir +
                       "': build the examples (cmake --build build) or pass --taskset-dir");
  }
  Discovery discovery = discover_plugins(options.taskset_dir);
  for (const auto& p : discovery.problems) {
    std::fprintf(stderr, "nest-host: skipped %s: %s\n", p.path.c_str(), p.reason.c_str());
  }
  for (const auto& d : discovery.duplicates) {
    std::fprintf(stderr, "nest-host: two tasksets share a name: %s\n", d.c_str());
  }
  if (!discovery.duplicates.empty()) return usage_error("rename one of each duplicate taskset");
  if (discovery.tasksets.empty()) {
    return usage_error(
        discovery.libraries_seen == 0
            ? "no taskset plugins (*.so) under '" + options.taskset_dir +
                  "' (searched recursively): build the examples with `cmake --build build`, "
                  "or put your plugins there"
            : "none of the " + std::to_string(discovery.libraries_seen) +
                  " plugin file(s) under '" + options.taskset_dir +
                  "' can be used (reasons above)");
  }
  if (options.list) {
    print_discovery(stdout, discovery);
    return 0;
  }

  // Weigh: the INI file's [weights] over the plugins' defaults.
  WeightResolution weights;
  try {
    weights = resolve_weights(discovery.tasksets, options.config ? &*options.config : nullptr);
  } catch (const ConfigError& e) {
    return usage_error(e.what());
  }
  for (const auto& w : weights.warnings)
    std::fprintf(stderr, "nest-host: warning: %s\n", w.c_str());
  if (options.configure) {
    if (!isatty(fileno(stdin))) {
      return usage_error("--configure asks questions: run it in a terminal");
    }
    std::optional<ConfigureResult> chosen;
    try {
      chosen = configure_weights(weights, options.config_path, stdin, stdout);
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
    if (!chosen) {
      std::puts("Aborted: nothing was written.");
      return kExitUsage;
    }
    if (!chosen->run_now) return 0;
    if (options.run.transport.base_url.empty()) {
      return usage_error("to run, give --host (or host = ... in [nest] of " + chosen->path + ")");
    }
    weights = std::move(chosen->weights);
    options.yes = true;  // just confirmed
  }
  std::vector<TasksetType> tasksets = taking_part(weights);
  if (tasksets.empty()) {
    return usage_error("no taskset with a positive weight (" +
                       std::to_string(discovery.tasksets.size()) + " found in '" +
                       options.taskset_dir + "'" +
                       (options.config ? ", weights from " + options.config->path : "") + ")");
  }

  // Confirm.
  print_run_plan(stdout, weights, options);
  std::fflush(stdout);
  switch (confirm_run(options.yes, stdin, stdout)) {
    case Confirmation::kRun:
      break;
    case Confirmation::kDeclined:
      std::puts("Not run.");
      return 0;
    case Confirmation::kNoTerminal:
      return usage_error(
          "standard input is not a terminal, so nobody can confirm the run: "
          "pass --yes to run without asking");
  }

  // Run and report.
  if (std::string warning = raise_fd_limit(options.run.users); !warning.empty()) {
    std::fprintf(stderr, "nest-host: %s\n", warning.c_str());
  }
  std::unique_ptr<CsvReport> csv;
  try {
    if (!options.csv_prefix.empty()) {
      std::filesystem::path parent = std::filesystem::path(options.csv_prefix).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      csv = std::make_unique<CsvReport>(options.csv_prefix, options.csv_full_history);
    }
  } catch (const std::exception& e) {
    return usage_error(std::string("--csv: ") + e.what());
  }
  std::optional<double> run_time_s;
  if (options.run.run_time) run_time_s = options.run.run_time->count() / 1000.0;
  RunResult result;
  result.info = run_info(options, run_time_s);
  for (const auto& t : weights.tasksets) {
    result.tasksets.push_back({t.type.name, t.type.weight, t.source, t.type.plugin,
                               transport_name(transport_of(t.type, options.run))});
  }
  LiveReport report(options.only_summary, std::move(csv),
                    ProgressLine(stdout, isatty(fileno(stdout)), options.run.users, run_time_s),
                    options.abort_on_fail ? options.thresholds : std::vector<Threshold>{});
  RunOutcome outcome = run_load(tasksets, options.run, report);
  int code = 0;
  try {
    Summary summary = report.finish();
    if (summary.total.failures > 0 || !summary.exceptions.empty()) {
      code = options.exit_code_on_error;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    code = options.exit_code_on_error;
  }
  report.fill(result);
  result.info.interrupted = outcome.interrupted;
  result.thresholds = judge(options.thresholds, result);
  print_thresholds(stdout, result.thresholds);
  if (any_broken(result.thresholds)) code = kExitThresholds;
  try {
    if (!options.json_path.empty()) {
      write_result_file(options.json_path, result);
      std::printf("Result: %s\n", options.json_path.c_str());
    }
    if (!options.html_path.empty()) {
      write_atomically(options.html_path, render_result_html(result));
      std::printf("Report: %s\n", options.html_path.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    if (code == 0) code = options.exit_code_on_error;
  }
  std::fflush(nullptr);
  // After a halt, users are frozen mid-task; tearing them down would run plugin code again.
  if (outcome.halted) std::_Exit(code);
  return code;
}
