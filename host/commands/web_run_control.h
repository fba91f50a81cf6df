// The web UI's door to a load test (web/run_control.h) over the run nest-host makes: it holds
// the run until the page's Start (unless --autostart), then steers it through Run's control
// surface, and answers the page's state, logs and downloads from the run's snapshot. The web
// server's thread calls the RunControl methods; the command's thread calls the others.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/run.h"
#include "stats/run_result.h"
#include "web/run_control.h"

namespace nest::host {

class WebRunControl final : public RunControl {
 public:
  // `settings` and `tasksets` (every taskset found, weight 0 for those left out) as
  // configured; `shape`: the load shape the run follows, or empty. A run that follows a plan
  // of its own (stages, a load shape) cannot be given users or rates by the page; `result_so_far` makes the result of a run so far (from this
  // object's callers' threads); `history_csv`: the --csv history file the run appends to, or
  // empty; `check_tasksets` says what is wrong with the weights a page chose (a taskset left
  // with no task to run by --tags, a fixed count in the open model), or empty.
  WebRunControl(RunSettings settings, std::vector<TasksetShare> tasksets, std::string shape,
                std::function<RunResult(const SteeredRun&)> result_so_far, std::string history_csv,
                std::function<std::string(const std::vector<TasksetShare>&)> check_tasksets);

  std::string state_json() override;
  std::string start(const WebStart& start) override;
  std::string set_target(const WebTarget& target) override;
  std::string stop() override;
  std::string reset_stats() override;
  std::optional<WebFile> download(const std::string& name) override;

  // A line for the page's Logs ("info" or "warning"), stamped with the run's time. Any thread.
  void log(const std::string& level, const std::string& text);
  // A notice of the run's (engine/run.h): a warning, but for a stop or a statistics reset.
  void notice(const std::string& text);

  // --- the command's thread ---
  // Blocks until the page's Start; returns the settings with the form's values applied.
  RunSettings wait_for_start();
  // The tasksets with the weights the run starts with (the form's, source "web UI").
  std::vector<TasksetShare> tasksets();
  // The tasksets as the run takes them after all (--tags may leave some out).
  void set_tasksets(std::vector<TasksetShare> tasksets);
  // The run has started (`run` lives until finished()).
  void running(SteeredRun& run);
  // The run is over: from now on the state and downloads show `result`, the final result.
  void finished(RunResult result);
  // The run is going away without finished() (an exception): the state forgets it.
  void detach();

 private:
  enum class Status { kReady, kRunning, kStopping, kFinished };
  struct LogLine {
    std::optional<double> t;  // seconds since the start; none before it
    std::string level, text;
  };
  static constexpr std::size_t kMaxLogLines = 1000;  // the oldest go first

  // The result so far or the final one; none before the start. Holds mutex_.
  std::optional<RunResult> result_locked();
  void log_locked(const std::string& level, const std::string& text);

  std::mutex mutex_;
  std::condition_variable started_;
  RunSettings settings_;
  std::vector<TasksetShare> tasksets_;
  std::string shape_;
  bool plan_;  // stages or a load shape set the load
  std::function<RunResult(const SteeredRun&)> result_so_far_;
  std::string history_csv_;
  std::function<std::string(const std::vector<TasksetShare>&)> check_tasksets_;
  Status status_ = Status::kReady;
  SteeredRun* run_ = nullptr;
  double target_ = 0;  // the aim now: users (closed) or arrivals a second (open)
  std::optional<RunResult> final_;
  std::optional<std::chrono::steady_clock::time_point> started_at_;
  std::deque<LogLine> logs_;
  std::uint64_t logs_dropped_ = 0;
};

}  // namespace nest::host
