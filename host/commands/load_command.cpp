#include "commands/load_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "cluster/cluster_key.h"
#include "config/configure.h"
#include "config/confirm.h"
#include "config/plan_table.h"
#include "engine/crash_guard.h"
#include "report/csv_report.h"
#include "util/atomic_file.h"
#include "util/output_path.h"

namespace nest::host {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "nest-host: %s\n(see nest-host --help)\n", message.c_str());
  return kExitUsage;
}

std::string utc_now() {
  char when[32];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return when;
}

std::optional<int> LoadCommand::parse(int argc, const char* const* argv) {
  try {
    options_ = parse_options(argc, argv, capacity_);
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
  if (!options_.make_cluster_key.empty()) {
    try {
      make_cluster_key_file(options_.make_cluster_key);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nest-host: %s\n", e.what());
      return 1;
    }
    std::printf("A new cluster key is in %s: give the master and every worker --cluster-key %s "
                "(keep it as secret as a password)\n",
                options_.make_cluster_key.c_str(), options_.make_cluster_key.c_str());
    return 0;
  }
  return std::nullopt;
}

std::optional<int> LoadCommand::discover() {
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
    print_discovery(stdout, discovery_, &options_.run);
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
std::optional<int> LoadCommand::weigh() {
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
  leave_out_by_tags();
  tasksets_ = taking_part(weights_);
  if (!tasksets_.empty()) {
    if (std::string problem = check_chosen(taskset_shares()); !problem.empty()) {
      return usage_error(problem);
    }
  }
  if (tasksets_.empty()) {
    return usage_error("no taskset with a positive weight (" +
                       std::to_string(discovery_.tasksets.size()) + " found in '" +
                       options_.taskset_dir + "'" +
                       (options_.config ? ", weights from " + options_.config->path : "") + ")");
  }
  return std::nullopt;
}

void LoadCommand::leave_out_by_tags() {
  const RunSettings& run = options_.run;
  if (run.tags.empty() && run.exclude_tags.empty()) return;
  for (WeightedTaskset& w : weights_.tasksets) {
    if (w.type.weight <= 0) continue;
    bool any = false;
    for (const auto& d : discovery_.tasksets) {
      if (d.type.name != w.type.name) continue;
      for (const auto& task : d.tasks) any = any || (task.weight > 0 && task_selected(task.tags, run));
    }
    if (any) continue;
    std::fprintf(stderr,
                 "nest-host: taskset %s has no task left by --tags/--exclude-tags: it is left "
                 "out, its share goes to the others\n",
                 w.type.name.c_str());
    w.type.weight = 0;
    w.source = "no task after --tags";
  }
}

std::string LoadCommand::check_chosen(const std::vector<TasksetShare>& chosen) const {
  bool open = capacity_ ? options_.capacity->model == LoadModel::kOpen
                        : options_.run.model == LoadModel::kOpen;
  bool any = false;
  for (const TasksetShare& c : chosen) {
    if (c.weight <= 0) continue;
    for (const auto& d : discovery_.tasksets) {
      if (d.type.name != c.name) continue;
      if (open && d.type.fixed_count > 0) {
        return "taskset " + c.name + " has a fixed_count (" + std::to_string(d.type.fixed_count) +
               " users), which the open model (arrivals) cannot keep: run it with users (-u), "
               "or give it weight 0";
      }
      for (const auto& task : d.tasks) {
        any = any || (task.weight > 0 && task_selected(task.tags, options_.run));
      }
    }
  }
  return any ? "" : "no taskset with a weight above 0 has a task --tags and --exclude-tags leave";
}

std::optional<int> LoadCommand::confirm() {
  if (options_.cluster.worker) {  // the master shows the plan and the weights
    const ClusterOptions& c = options_.cluster;
    std::string master = !c.master_url.empty()
                             ? c.master_url
                             : c.master_host + ":" + std::to_string(c.master_port);
    std::printf("Worker: joining the master at %s\n", master.c_str());
    std::fflush(stdout);
    return std::nullopt;
  }
  print_run_plan(stdout, weights_, options_);
  print_run_hooks(stdout, discovery_);
  print_dependencies(stdout, options_.dependencies);
  std::fflush(stdout);
  // With --web, the person starts the run from the page (or --autostart starts it).
  switch (confirm_run(options_.yes || options_.web.enabled, stdin, stdout)) {
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

// Where the results go: the folder of --json, else of --csv's files, else of --html, else
// the working directory. The dependencies' logs go there too.
static std::string results_dir(const Options& options) {
  for (const std::string* path : {&options.json_path, &options.csv_prefix, &options.html_path}) {
    if (path->empty()) continue;
    auto parent = std::filesystem::path(*path).parent_path();
    return parent.empty() ? "." : parent.string();
  }
  return ".";
}

std::optional<int> LoadCommand::start_dependencies() {
  if (options_.dependencies.empty()) return std::nullopt;
  std::string dir = results_dir(options_);
  dependencies_ = std::make_unique<Dependencies>(
      dir, std::vector<std::pair<std::string, std::string>>{
               {"NEST_HOST", options_.run.transport.base_url}, {"NEST_RESULTS_DIR", dir}});
  // A crash that kills nest-host, or an exit() that skips destructors, kills them too.
  set_last_words(&Dependencies::kill_all_now);
  // Only in this process: a plugin's forked child that calls exit() must not kill them.
  static const pid_t owner = getpid();
  static const bool at_exit = std::atexit([] {
    if (getpid() == owner) Dependencies::kill_all_now();
  }) == 0;
  (void)at_exit;
  try {
    dependencies_->start(options_.dependencies, [](const std::string& line) {
      std::printf("Dependency %s\n", line.c_str());
      std::fflush(stdout);
    });
  } catch (const DependencyError& e) {
    std::fprintf(stderr, "nest-host: %s\nNo user was started.\n", e.what());
    return 1;  // whatever --exit-code-on-error says: nothing was measured
  }
  return std::nullopt;
}

void LoadCommand::stop_dependencies() {
  if (!dependencies_) return;
  for (const std::string& line : dependencies_->stop()) {
    std::fprintf(stderr, "nest-host: dependency %s\n", line.c_str());
  }
}

std::optional<int> LoadCommand::check_outputs() {
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

std::optional<int> LoadCommand::prepare(int argc, const char* const* argv) {
  if (auto done = parse(argc, argv)) return done;
  if (auto done = discover()) return done;
  if (auto done = weigh()) return done;
  if (auto done = check_outputs()) return done;
  return confirm();
}

std::optional<int> LoadCommand::open_csv(std::unique_ptr<CsvReport>& csv) const {
  try {
    if (!options_.csv_prefix.empty()) {
      csv = std::make_unique<CsvReport>(options_.csv_prefix, options_.csv_full_history);
    }
  } catch (const std::exception& e) {
    return usage_error(std::string("--csv: ") + e.what());
  }
  return std::nullopt;
}

int LoadCommand::write_outputs(const std::function<void(const std::string&)>& write_json,
                               const std::function<std::string()>& html, int code,
                               int failed_code) const {
  auto failed = [&](const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    if (code == 0) code = failed_code;
  };
  if (!options_.json_path.empty()) {
    try {
      write_json(options_.json_path);
      std::printf("Result: %s\n", options_.json_path.c_str());
    } catch (const std::exception& e) {
      failed(e);
    }
  }
  if (!options_.html_path.empty()) {
    try {
      write_atomically(options_.html_path, html());
      std::printf("Report: %s\n", options_.html_path.c_str());
    } catch (const std::exception& e) {
      failed(e);
    }
  }
  return code;
}

std::vector<TasksetShare> LoadCommand::taskset_shares() const {
  std::vector<TasksetShare> out;
  for (const auto& t : weights_.tasksets) {
    out.push_back({t.type.name, t.type.weight, t.source, t.type.plugin,
                   transport_name(transport_of(t.type, options_.run)), t.type.fixed_count});
  }
  return out;
}

}  // namespace nest::host
