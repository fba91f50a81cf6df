// nest-host [options]: a load test, told as its steps — parse the options, discover the
// plugins, weigh the tasksets, check the outputs, confirm, run, report. Each step is one method
// below; a step that must end the command returns its exit code.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>

#include "commands/commands.h"
#include "config/configure.h"
#include "config/confirm.h"
#include "config/load_plan.h"
#include "config/options.h"
#include "config/plan_table.h"
#include "config/weights.h"
#include "engine/fd_limit.h"
#include "engine/run.h"
#include "plugins/loader.h"
#include "report/console.h"
#include "report/csv_report.h"
#include "report/html_report.h"
#include "report/live_report.h"
#include "report/result_json.h"
#include "util/atomic_file.h"
#include "util/output_path.h"

namespace nest::host {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitThresholds = 3;
constexpr int kExitCrash = 4;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "nest-host: %s\n(see nest-host --help)\n", message.c_str());
  return kExitUsage;
}

class RunCommand {
 public:
  std::optional<int> parse(int argc, const char* const* argv);
  std::optional<int> discover();
  std::optional<int> weigh();
  std::optional<int> check_outputs();
  std::optional<int> confirm();
  int run_and_report();

 private:
  std::unique_ptr<Schedule> schedule();
  RunResult assemble_result(const Run& run, const RunOutcome& outcome,
                            const LiveReport& report) const;
  int write_outputs(const RunResult& result, int code) const;

  Options options_;
  Discovery discovery_;
  WeightResolution weights_;
  std::vector<TasksetType> tasksets_;
  std::string started_at_;
};

std::optional<int> RunCommand::parse(int argc, const char* const* argv) {
  try {
    options_ = parse_options(argc, argv);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  if (options_.help) {
    std::fputs(options_.help_text.c_str(), stdout);
    return 0;
  }
  if (options_.version) {
    std::printf("nest-host %s (taskset ABI %u)\n", NEST_VERSION, nest::kAbiVersion);
    return 0;
  }
  return std::nullopt;
}

std::optional<int> RunCommand::discover() {
  const std::string& dir = options_.taskset_dir;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return usage_error("no taskset folder at '" + dir +
                       "': build the examples (cmake --build build) or pass --taskset-dir");
  }
  discovery_ = discover_plugins(dir);
  for (const auto& p : discovery_.problems) {
    std::fprintf(stderr, "nest-host: skipped %s: %s\n", p.path.c_str(), p.reason.c_str());
  }
  for (const auto& d : discovery_.duplicates) {
    std::fprintf(stderr, "nest-host: two tasksets share a name: %s\n", d.c_str());
  }
  if (!discovery_.duplicates.empty()) return usage_error("rename one of each duplicate taskset");
  if (discovery_.tasksets.empty()) {
    return usage_error(
        discovery_.libraries_seen == 0
            ? "no taskset plugins (*.so) under '" + dir +
                  "' (searched recursively): build the examples with `cmake --build build`, "
                  "or put your plugins there"
            : "none of the " + std::to_string(discovery_.libraries_seen) +
                  " plugin file(s) under '" + dir + "' can be used (reasons above)");
  }
  if (options_.list) {
    print_discovery(stdout, discovery_);
    return 0;
  }
  if (!options_.shape.empty()) {
    bool found = false;
    std::string known;
    for (const auto& s : discovery_.shapes) {
      found = found || s.name == options_.shape;
      known += (known.empty() ? "" : ", ") + s.name;
    }
    if (!found) {
      return usage_error(
          "--shape: no load shape named '" + options_.shape + "' under '" + dir + "' (" +
          (known.empty() ? "none found: export one with NEST_SHAPE" : "found: " + known) + ")");
    }
  }
  return std::nullopt;
}

// The INI file's [weights] over the plugins' defaults; --configure asks for them.
std::optional<int> RunCommand::weigh() {
  try {
    weights_ = resolve_weights(discovery_.tasksets, options_.config ? &*options_.config : nullptr);
  } catch (const ConfigError& e) {
    return usage_error(e.what());
  }
  for (const auto& w : weights_.warnings) {
    std::fprintf(stderr, "nest-host: warning: %s\n", w.c_str());
  }
  if (options_.configure) {
    if (!isatty(fileno(stdin)))
      return usage_error("--configure asks questions: run it in a terminal");
    std::optional<ConfigureResult> chosen;
    try {
      chosen = configure_weights(weights_, options_.config_path, stdin, stdout);
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
    if (!chosen) {
      std::puts("Aborted: nothing was written.");
      return kExitUsage;
    }
    if (!chosen->run_now) return 0;
    if (options_.run.transport.base_url.empty()) {
      return usage_error("to run, give --host (or host = ... in [nest] of " + chosen->path + ")");
    }
    weights_ = std::move(chosen->weights);
    options_.yes = true;  // just confirmed
  }
  tasksets_ = taking_part(weights_);
  if (tasksets_.empty()) {
    return usage_error("no taskset with a positive weight (" +
                       std::to_string(discovery_.tasksets.size()) + " found in '" +
                       options_.taskset_dir + "'" +
                       (options_.config ? ", weights from " + options_.config->path : "") + ")");
  }
  return std::nullopt;
}

std::optional<int> RunCommand::confirm() {
  print_run_plan(stdout, weights_, options_);
  std::fflush(stdout);
  switch (confirm_run(options_.yes, stdin, stdout)) {
    case Confirmation::kRun:
      return std::nullopt;
    case Confirmation::kDeclined:
      std::puts("Not run.");
      return 0;
    case Confirmation::kNoTerminal:
      break;
  }
  return usage_error(
      "standard input is not a terminal, so nobody can confirm the run: pass --yes to run "
      "without asking");
}

// The plan the run follows: a load shape from the plugins, or the options' own.
std::unique_ptr<Schedule> RunCommand::schedule() {
  for (const auto& s : discovery_.shapes) {
    if (s.name == options_.shape) {
      return shape_schedule(std::unique_ptr<nest::LoadShape>(s.create()), s.name);
    }
  }
  return make_schedule(options_.run);
}

// Every file the run will write can be written, and no two are the same: found out before the
// run, not after it.
std::optional<int> RunCommand::check_outputs() {
  std::vector<OutputFile> outputs;
  if (!options_.csv_prefix.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(options_.csv_prefix).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    for (auto& file : CsvReport::files(options_.csv_prefix)) outputs.push_back({"--csv", file});
  }
  if (!options_.json_path.empty()) outputs.push_back({"--json", options_.json_path});
  if (!options_.html_path.empty()) outputs.push_back({"--html", options_.html_path});
  std::vector<std::string> problems = check_output_files(outputs);
  if (problems.empty()) return std::nullopt;
  for (std::size_t i = 0; i + 1 < problems.size(); ++i) {
    std::fprintf(stderr, "nest-host: %s\n", problems[i].c_str());
  }
  return usage_error(problems.back());
}

int RunCommand::run_and_report() {
  if (std::string warning = raise_fd_limit(most_users(options_.run)); !warning.empty()) {
    std::fprintf(stderr, "nest-host: %s\n", warning.c_str());
  }
  std::unique_ptr<CsvReport> csv;
  try {
    if (!options_.csv_prefix.empty()) {
      csv = std::make_unique<CsvReport>(options_.csv_prefix, options_.csv_full_history);
    }
  } catch (const std::exception& e) {
    return usage_error(std::string("--csv: ") + e.what());
  }
  std::optional<double> run_time_s;
  if (options_.run.run_time) run_time_s = options_.run.run_time->count() / 1000.0;
  char when[32];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  started_at_ = when;

  LiveReport report(options_.only_summary, std::move(csv),
                    ProgressLine(stdout, isatty(fileno(stdout)), run_time_s),
                    options_.abort_on_fail ? options_.thresholds : std::vector<Threshold>{});
  std::unique_ptr<Schedule> plan;
  try {
    plan = schedule();
  } catch (const std::exception& e) {
    return usage_error("--shape " + options_.shape + ": its constructor threw: " + e.what());
  }
  Run run(tasksets_, options_.run, report, std::move(plan));
  RunOutcome outcome = run.go();

  int code = 0;
  try {
    Summary summary = report.finish(run.results(), options_.run.model);
    if (summary.total.failures > 0 || !summary.exceptions.empty()) {
      code = options_.exit_code_on_error;
    }
    if (summary.total.requests == 0) {  // a run that measured nothing is not a success
      std::uint64_t cut = run.results().aggregator().totals().cut_total();
      std::string why = cut > 0 ? ": " + std::to_string(cut) + " cut unanswered at the end" : "";
      std::fprintf(stderr, "nest-host: no request completed%s\n", why.c_str());
      code = options_.exit_code_on_error;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    code = options_.exit_code_on_error;
  }
  if (!outcome.ended_by.empty() && code == 0) code = options_.exit_code_on_error;
  RunResult result = assemble_result(run, outcome, report);
  result.thresholds = judge(options_.thresholds, result);
  print_thresholds(stdout, result.thresholds);
  if (any_broken(result.thresholds)) code = kExitThresholds;
  code = write_outputs(result, code);
  if (outcome.crash) {
    std::fprintf(stderr,
                 "nest-host: the run was ended by a crash in plugin code (%s); what was measured "
                 "up to it is written\n",
                 outcome.crash->what.c_str());
    code = kExitCrash;
  }
  std::fflush(nullptr);
  // After a halt, users are frozen mid-task; tearing them down would run plugin code again.
  if (outcome.halted) std::_Exit(code);
  return code;
}

// Everything the run produced, in one place: the settings it ran with, the tasksets and their
// weights, what it measured, and why it ended.
RunResult RunCommand::assemble_result(const Run& run, const RunOutcome& outcome,
                                      const LiveReport& report) const {
  RunResult result;
  RunInfo& info = result.info;
  info.nest_version = NEST_VERSION;
  info.host = options_.run.transport.base_url;
  info.model = options_.run.model == LoadModel::kOpen ? "open" : "closed";
  info.plan = describe_load_plan(options_);
  info.users = options_.run.users;
  info.spawn_rate = options_.run.spawn_rate;
  if (options_.run.run_time) info.run_time_s = options_.run.run_time->count() / 1000.0;
  info.threads = options_.run.threads;
  info.transport = transport_name(options_.run.transport.kind);
  info.seed = options_.run.seed;
  info.started_at = started_at_;
  info.interrupted = outcome.interrupted;
  info.aborted_by = !report.aborted_by().empty() ? report.aborted_by() : outcome.ended_by;
  if (outcome.crash) info.aborted_by = "a crash: " + outcome.crash->what;
  for (const auto& t : weights_.tasksets) {
    result.tasksets.push_back({t.type.name, t.type.weight, t.source, t.type.plugin,
                               transport_name(transport_of(t.type, options_.run))});
  }
  LiveResults::Snapshot measured = run.snapshot();
  result.totals = std::move(measured.totals);
  result.total = measured.total;
  result.timeline = std::move(measured.timeline);
  info.elapsed_s = measured.elapsed_s;
  return result;
}

// --json and --html; a failure to write one still tries the other.
int RunCommand::write_outputs(const RunResult& result, int code) const {
  auto failed = [&](const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    if (code == 0) code = options_.exit_code_on_error;
  };
  if (!options_.json_path.empty()) {
    try {
      write_result_file(options_.json_path, result);
      std::printf("Result: %s\n", options_.json_path.c_str());
    } catch (const std::exception& e) {
      failed(e);
    }
  }
  if (!options_.html_path.empty()) {
    try {
      write_atomically(options_.html_path, render_result_html(result));
      std::printf("Report: %s\n", options_.html_path.c_str());
    } catch (const std::exception& e) {
      failed(e);
    }
  }
  return code;
}

}  // namespace

int run_command(int argc, const char* const* argv) {
  // A closed standard output (nest-host ... | head) must not end the run and lose its
  // results: writes to it fail quietly instead.
  std::signal(SIGPIPE, SIG_IGN);
  RunCommand command;
  if (auto done = command.parse(argc, argv)) return *done;
  if (auto done = command.discover()) return *done;
  if (auto done = command.weigh()) return *done;
  if (auto done = command.check_outputs()) return *done;
  if (auto done = command.confirm()) return *done;
  return command.run_and_report();
}

}  // namespace nest::host
