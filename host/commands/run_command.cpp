// nest-host [options]: a load test, told as its steps — parse the options, discover the
// plugins, weigh the tasksets, check the outputs, confirm (commands/load_command.h, shared with
// nest-host capacity), then run and report, below. A step that must end the command returns
// its exit code.
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "commands/commands.h"
#include "commands/load_command.h"
#include "cluster/master.h"
#include "cluster/worker_node.h"
#include "commands/web_run_control.h"
#include "commands/worker_processes.h"
#include "config/load_plan.h"
#include "config/plan_table.h"
#include "engine/fd_limit.h"
#include "engine/run.h"
#include "report/console.h"
#include "report/csv_report.h"
#include "report/html_report.h"
#include "report/live_report.h"
#include "report/result_json.h"
#include "report/thresholds.h"
#include "util/atomic_file.h"
#include "web/web_server.h"

namespace nest::host {
namespace {

class RunCommand : public LoadCommand {
 public:
  RunCommand() : LoadCommand(false) {}
  int run_and_report();

 private:
  std::unique_ptr<Schedule> schedule();
  RunResult assemble_result(const LiveResults& results, const RunOutcome& outcome,
                            const LiveReport& report) const;
  RunResult result_so_far(const LiveResults& results) const;
  // --master: the run is the workers'; this process merges their reports.
  RunOutcome run_master(LiveReport& report, std::unique_ptr<Master>& master,
                        std::unique_ptr<Schedule> plan);
  // --worker, its master gone (or --json given): writes what this worker measured (--json,
  // else nest-worker-PID.json here; --html when asked).
  void write_own_results(const LiveResults& results, const RunOutcome& outcome,
                         const RunSettings& run, bool master_gone) const;
  // --web: serves the UI; unless --autostart, waits for its Start. Returns an exit code when
  // the command must end.
  std::optional<int> open_web_ui();
  // --web, after the run: keeps the UI up for --autoquit seconds, or until Ctrl-C.
  void keep_web_ui();

  std::unique_ptr<WebRunControl> web_control_;
  std::unique_ptr<WebServer> web_server_;

  std::string started_at_;
  MasterSettings master_settings_;
};

// The plan the run follows: a load shape from the plugins, or the options' own.
std::unique_ptr<Schedule> RunCommand::schedule() {
  for (const auto& s : discovery_.shapes) {
    if (s.name == options_.shape) {
      return shape_schedule(std::unique_ptr<nest::LoadShape>(s.create()), s.name);
    }
  }
  return make_schedule(options_.run);
}

std::optional<int> RunCommand::open_web_ui() {
  if (!options_.web.enabled) return std::nullopt;
  std::string history = options_.csv_prefix.empty() ? "" : CsvReport::files(options_.csv_prefix)[0];
  web_control_ = std::make_unique<WebRunControl>(
      options_.run, taskset_shares(), options_.shape,
      [this](const SteeredRun& run) {
        RunResult result = result_so_far(run.results());
        // A master's page (and /api/state, and the JSON download) lists its workers too.
        if (const auto* master = dynamic_cast<const Master*>(&run)) result.workers = master->workers();
        result.thresholds = judge(options_.thresholds, result);
        return result;
      },
      history, [this](const std::vector<TasksetShare>& chosen) { return check_chosen(chosen); });
  if (options_.web.autostart) web_control_->start({});  // no Start on the page to press
  try {
    web_server_ = std::make_unique<WebServer>(options_.web, *web_control_);
  } catch (const std::exception& e) {
    return usage_error(e.what());
  }
  std::printf("Web UI: %s%s\n", web_server_->url().c_str(),
              options_.web.autostart ? "" : " (the run starts when you press Start there)");
  std::fflush(stdout);
  if (options_.web.autostart) return std::nullopt;
  options_.run = web_control_->wait_for_start();
  // The form's weights (the page checked them: names known, at least one above 0).
  for (const TasksetShare& chosen : web_control_->tasksets()) {
    for (WeightedTaskset& t : weights_.tasksets) {
      if (t.type.name == chosen.name && t.type.weight != chosen.weight) {
        t.type.weight = chosen.weight;
        t.source = chosen.source;
      }
    }
  }
  leave_out_by_tags();  // a weight the page gave a taskset with no task to run
  tasksets_ = taking_part(weights_);
  web_control_->set_tasksets(taskset_shares());
  return std::nullopt;
}

void RunCommand::keep_web_ui() {
  if (!web_server_) return;
  // Ctrl-C (or SIGTERM, SIGHUP) ends the wait: taken here, whatever handler the run left.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, s);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  if (options_.web.autoquit_s) {
    double seconds = *options_.web.autoquit_s;
    timespec wait{static_cast<time_t>(seconds),
                  static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    sigtimedwait(&stop_signals, nullptr, &wait);
    return;
  }
  std::printf("The run is over; the web UI stays at %s until Ctrl-C\n", web_server_->url().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop_signals, &received);
}

int RunCommand::run_and_report() {
  if (options_.cluster.worker) {  // the master reports: this process only runs its share
    WorkerNodeSettings worker;
    worker.master = !options_.cluster.master_url.empty()
                        ? options_.cluster.master_url
                        : "tcp://" + options_.cluster.master_host + ":" +
                              std::to_string(options_.cluster.master_port);
    std::vector<TasksetType> found;
    for (const auto& t : weights_.tasksets) found.push_back(t.type);
    if (!options_.cluster.cluster_key.empty()) {
      try {
        worker.key = read_cluster_key(options_.cluster.cluster_key);
      } catch (const std::exception& e) {
        return usage_error(e.what());
      }
    }
    worker.write_own_results = [this](const LiveResults& results, const RunOutcome& outcome,
                                      const RunSettings& run, bool master_gone) {
      write_own_results(results, outcome, run, master_gone);
    };
    worker.write_always = !options_.json_path.empty();
    if (auto done = start_dependencies()) return *done;
    int code = run_worker_node(worker, std::move(found), options_.run);
    stop_dependencies();
    return code;
  }
  if (auto done = open_web_ui()) return *done;
  if (auto done = start_dependencies()) return *done;
  if (std::string warning = raise_fd_limit(most_users(options_.run)); !warning.empty()) {
    std::fprintf(stderr, "nest-host: %s\n", warning.c_str());
  }
  std::unique_ptr<CsvReport> csv;
  if (auto done = open_csv(csv)) return *done;
  std::optional<double> run_time_s;
  if (options_.run.run_time) run_time_s = options_.run.run_time->count() / 1000.0;
  started_at_ = utc_now();

  LiveReport report(options_.only_summary, std::move(csv),
                    ProgressLine(stdout, isatty(fileno(stdout)), run_time_s),
                    options_.abort_on_fail ? options_.thresholds : std::vector<Threshold>{});
  std::unique_ptr<Schedule> plan;
  try {
    plan = schedule();
  } catch (const std::exception& e) {
    return usage_error("--shape " + options_.shape + ": its constructor threw: " + e.what());
  }
  if (web_control_) {
    report.also_tell([control = web_control_.get()](const std::string& m) { control->notice(m); });
  }
  std::unique_ptr<Master> master;
  std::optional<Run> local;
  // The web UI reads the run until finished(); should anything end this first (an exception, a
  // master that never started), it lets go here, before the run goes.
  struct Detach {
    WebRunControl* control;
    ~Detach() {
      if (control) control->detach();
    }
  } detach{web_control_.get()};
  RunOutcome outcome;
  if (options_.cluster.master) {
    try {
      outcome = run_master(report, master, std::move(plan));
    } catch (const std::exception& e) {
      return usage_error(e.what());
    }
  } else {
    local.emplace(tasksets_, options_.run, report, std::move(plan));
  }
  if (master && !master->started()) {
    // Nothing was measured: no result file, so none written before is replaced by an empty one
    // (a master that Kubernetes restarts after its run, say).
    std::fprintf(stderr, "nest-host: the run did not start: no result written\n");
    stop_dependencies();
    return 1;
  }
  const LiveResults& results = master ? master->results() : local->results();
  if (local) {
    local->set_run_hooks(discovery_.run_hooks);
    if (web_control_) web_control_->running(*local);
    outcome = local->go();
  }

  int code = 0;
  try {
    Summary summary = report.finish(results, options_.run.model);
    if (summary.total.failures > 0 || !summary.exceptions.empty()) {
      code = options_.exit_code_on_error;
    }
    if (summary.total.requests == 0) {  // a run that measured nothing is not a success
      std::uint64_t cut = results.aggregator().totals().cut_total();
      std::string why = cut > 0 ? ": " + std::to_string(cut) + " cut unanswered at the end" : "";
      std::fprintf(stderr, "nest-host: no request completed%s\n", why.c_str());
      code = options_.exit_code_on_error;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
    code = options_.exit_code_on_error;
  }
  if (!outcome.ended_by.empty() && code == 0) code = options_.exit_code_on_error;
  RunResult result = assemble_result(results, outcome, report);
  if (master) result.workers = master->workers();
  result.thresholds = judge(options_.thresholds, result);
  print_thresholds(stdout, result.thresholds);
  if (any_broken(result.thresholds)) code = kExitThresholds;
  code =
      write_outputs([&](const std::string& path) { write_result_file(path, result); },
                    [&] { return render_result_html(result); }, code, options_.exit_code_on_error);
  if (outcome.crash) {
    std::fprintf(stderr,
                 "nest-host: the run was ended by a crash in plugin code (%s); what was measured "
                 "up to it is written\n",
                 outcome.crash->what.c_str());
    code = kExitCrash;
  }
  stop_dependencies();  // every result is written; the web UI, if any, needs none of them
  if (web_control_) web_control_->finished(result);
  std::fflush(nullptr);
  if (!outcome.halted && !outcome.crash) keep_web_ui();
  // After a halt, users are frozen mid-task; tearing them down would run plugin code again.
  if (outcome.halted) std::_Exit(code);
  return code;
}

// Everything the run produced, in one place: the settings it ran with, the tasksets and their
// weights, what it measured, and why it ended.
RunResult RunCommand::assemble_result(const LiveResults& results, const RunOutcome& outcome,
                                      const LiveReport& report) const {
  RunResult result = result_so_far(results);
  RunInfo& info = result.info;
  info.interrupted = outcome.interrupted;
  info.aborted_by = !report.aborted_by().empty() ? report.aborted_by() : outcome.ended_by;
  if (outcome.crash) info.aborted_by = "a crash: " + outcome.crash->what;
  return result;
}

// What the run has measured so far, with the settings it runs with: from any thread (the web
// UI's), since it reads only the options, fixed once the run starts, and the run's snapshot.
RunResult RunCommand::result_so_far(const LiveResults& results) const {
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
  result.tasksets = taskset_shares();
  LiveResults::Snapshot measured = results.snapshot();
  result.totals = std::move(measured.totals);
  result.total = measured.total;
  result.timeline = std::move(measured.timeline);
  info.elapsed_s = measured.elapsed_s;
  info.stats_reset_at_s = measured.stats_reset_at_s;
  return result;
}

void RunCommand::write_own_results(const LiveResults& results, const RunOutcome& outcome,
                                   const RunSettings& run, bool master_gone) const {
  RunResult result = result_so_far(results);
  result.info.host = run.transport.base_url;  // the plan's, not this command line's
  result.info.model = run.model == LoadModel::kOpen ? "open" : "closed";
  result.info.users = run.users;
  result.info.spawn_rate = run.spawn_rate;
  result.info.seed = run.seed;
  if (master_gone) {
    result.info.plan = "a worker's share of a distributed run; its master went silent";
    result.info.interrupted = true;
    result.info.aborted_by = "the master went silent";
  } else {
    result.info.plan = "a worker's share of a distributed run (the master's result merges every worker's)";
    result.info.interrupted = outcome.interrupted;
  }
  if (outcome.crash) result.info.aborted_by = "a crash: " + outcome.crash->what;
  std::string json = !options_.json_path.empty()
                         ? options_.json_path
                         : "nest-worker-" + std::to_string(getpid()) + ".json";
  try {
    write_result_file(json, result);
    std::printf("Result: %s\n", json.c_str());
    if (!options_.html_path.empty()) {
      write_atomically(options_.html_path, render_result_html(result));
      std::printf("Report: %s\n", options_.html_path.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nest-host: %s\n", e.what());
  }
  std::fflush(stdout);
}

RunOutcome RunCommand::run_master(LiveReport& report, std::unique_ptr<Master>& master,
                                  std::unique_ptr<Schedule> plan) {
  const ClusterOptions& c = options_.cluster;
  master_settings_.bind = c.bind;
  master_settings_.expect_workers = c.expect_workers;
  master_settings_.join_timeout = c.expect_workers_max_wait;
  master_settings_.rebalance = c.rebalance;
  if (!c.cluster_key.empty()) master_settings_.key = read_cluster_key(c.cluster_key);
  master = std::make_unique<Master>(master_settings_, options_.run, tasksets_, report,
                                    std::move(plan));
  master->set_run_hooks(discovery_.run_hooks);
  std::unique_ptr<WorkerProcesses> processes;
  if (c.processes > 0) {
    processes = std::make_unique<WorkerProcesses>(options_, c.bind);
    master->set_join_watch([p = processes.get()] { return p->first_ended(); });
  }
  if (web_control_) web_control_->running(*master);
  RunOutcome outcome = master->go();
  if (processes) {
    for (const std::string& line : processes->wait()) {
      std::fprintf(stderr, "nest-host: worker %s\n", line.c_str());
    }
  }
  return outcome;
}

}  // namespace

int run_command(int argc, const char* const* argv) {
  // A closed standard output (nest-host ... | head) must not end the run and lose its
  // results: writes to it fail quietly instead.
  std::signal(SIGPIPE, SIG_IGN);
  RunCommand command;
  if (auto done = command.prepare(argc, argv)) return *done;
  return command.run_and_report();
}

}  // namespace nest::host
