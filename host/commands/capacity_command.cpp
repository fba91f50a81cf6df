// nest-host capacity [options]: the search for the highest load that meets a service level,
// told as its steps — the load test's own (parse, discover, weigh, check outputs, confirm),
// then the plateaus (capacity/plateau_runner.h) on one run, then the answer: console, JSON,
// HTML, and the cost figures when their inputs were given. docs/capacity.md.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "capacity/capacity_console.h"
#include "capacity/capacity_html.h"
#include "capacity/capacity_json.h"
#include "capacity/plateau_judge.h"
#include "capacity/plateau_runner.h"
#include "capacity/search_conclusion.h"
#include "commands/commands.h"
#include "commands/load_command.h"
#include "config/load_plan.h"
#include "config/plan_table.h"
#include "engine/fd_limit.h"
#include "engine/run.h"
#include "report/live_report.h"
#include "util/atomic_file.h"

namespace nest::host {
namespace {

// The exit codes of a search: 0 a capacity was found (or the ceiling passed), 1 no answer (a
// plateau was invalid, or the search was stopped), 3 even the lowest level broke the service
// level, 4 a crash in plugin code; 2 bad usage.
constexpr int kExitNoAnswer = 1;

class CapacityCommand : public LoadCommand {
 public:
  CapacityCommand() : LoadCommand(true) {}
  int search_and_report();

 private:
  CapacityResult assemble(const PlateauRunner& runner, const RunOutcome& outcome) const;

  std::string started_at_;
};

int CapacityCommand::search_and_report() {
  const CapacityPlan& plan = *options_.capacity;
  options_.run.run_time.reset();  // the search ends the run
  options_.run.stages.clear();
  std::uint64_t most = plan.model == LoadModel::kClosed && std::isfinite(plan.search.ceiling)
                           ? static_cast<std::uint64_t>(plan.search.ceiling)
                           : most_users(options_.run);
  if (std::string warning = raise_fd_limit(most); !warning.empty()) {
    std::fprintf(stderr, "nest-host: %s\n", warning.c_str());
  }
  std::unique_ptr<CsvReport> csv;
  if (auto done = open_csv(csv)) return *done;
  if (auto done = start_dependencies()) return *done;
  started_at_ = utc_now();
  bool has_csv = csv != nullptr;
  ProgressLine line(stdout, isatty(fileno(stdout)), {});
  line.set_open_end("until the search ends");
  LiveReport progress(true, std::move(csv), std::move(line), {});
  PlateauRunner runner(plan, progress, [&](const PlateauResult& p) {
    progress.clear_progress();
    print_plateau_line(stdout, p, plan.model);
  });
  Run run(tasksets_, options_.run, runner, runner.first_plateau());
  run.set_run_hooks(discovery_.run_hooks);
  runner.steer(run);
  RunOutcome outcome = run.go();

  int code = 0;
  if (has_csv) {  // the whole run's tables, and the CSV files of it
    try {
      progress.finish(run.results(), plan.model);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nest-host: %s\n", e.what());
      code = kExitNoAnswer;
    }
  }
  progress.clear_progress();
  CapacityResult result = assemble(runner, outcome);
  print_capacity_summary(stdout, result);
  if (result.ending == "nothing passed") {
    code = kExitThresholds;
  } else if (!result.capacity && code == 0) {
    code = kExitNoAnswer;
  }
  code = write_outputs([&](const std::string& path) { write_capacity_file(path, result); },
                       [&] { return render_capacity_html(result); }, code, kExitNoAnswer);
  if (outcome.crash) code = kExitCrash;
  stop_dependencies();
  std::fflush(nullptr);
  if (outcome.halted) std::_Exit(code);  // users are frozen mid-task: no teardown
  return code;
}

CapacityResult CapacityCommand::assemble(const PlateauRunner& runner,
                                         const RunOutcome& outcome) const {
  const CapacityPlan& plan = *options_.capacity;
  CapacityResult r;
  r.info.nest_version = NEST_VERSION;
  r.info.host = options_.run.transport.base_url;
  r.info.model = plan.model == LoadModel::kOpen ? "open" : "closed";
  r.info.plan = describe_load_plan(options_);
  r.info.threads = options_.run.threads;
  r.info.transport = transport_name(options_.run.transport.kind);
  r.info.seed = options_.run.seed;
  r.info.started_at = started_at_;
  r.info.elapsed_s = outcome.elapsed.count();
  r.info.interrupted = outcome.interrupted;
  r.tasksets = taskset_shares();
  CapacitySettingsRecord& s = r.settings;
  s.start = plan.search.start;
  s.precision = plan.search.precision;
  if (std::isfinite(plan.search.ceiling)) s.ceiling = plan.search.ceiling;
  s.warmup_s = static_cast<double>(plan.warmup.count());
  s.hold_s = static_cast<double>(plan.hold.count());
  s.confirm_hold_s = static_cast<double>(plan.confirm_hold.count());
  s.cooldown_s = static_cast<double>(plan.cooldown.count());
  for (const auto& t : plan.slo) s.slo.emplace_back(t.text, t.source);
  s.spawn_rate = plan.spawn_rate;
  s.arrivals = plan.arrivals == Arrivals::kPoisson ? "poisson" : "constant";
  s.max_users = options_.run.max_users;
  s.gates = plan.gates;
  r.plateaus = runner.plateaus();
  r.cost = plan.cost;
  conclude_search(r, runner.search(), outcome, plan.model);
  if (r.capacity && plan.cost.any()) {
    try {
      r.cost_report = cost_report(plan.cost, {r.capacity->rps, r.capacity->sessions_per_s});
    } catch (const CostError& e) {
      r.message += std::string("\nNo cost figures: ") + e.what();
    }
  }
  return r;
}

}  // namespace

int capacity_command(int argc, const char* const* argv) {
  if (argc > 1 && std::string_view(argv[1]) == "fit")
    return capacity_fit_command(argc - 1, argv + 1);
  std::signal(SIGPIPE, SIG_IGN);  // a closed standard output must not lose the results
  CapacityCommand command;
  if (auto done = command.prepare(argc, argv)) return *done;
  return command.search_and_report();
}

}  // namespace nest::host
