// The RunObserver nest-host uses: shows progress each second and the live table every 2 s
// (unless --only-summary), appends the CSV history row each second, and with --abort-on-fail
// stops the run once a threshold stays broken for its grace period. It reads what the run
// measured (LiveResults); it keeps none of it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/run.h"
#include "report/csv_report.h"
#include "report/progress_line.h"
#include "report/thresholds.h"
#include "stats/live_results.h"

namespace nest::host {

class LiveReport final : public RunObserver {
 public:
  // `csv` may be null (no --csv). `abort_on` is empty unless --abort-on-fail.
  LiveReport(bool only_summary, std::unique_ptr<CsvReport> csv, ProgressLine progress,
             std::vector<Threshold> abort_on)
      : only_summary_(only_summary),
        csv_(std::move(csv)),
        progress_(std::move(progress)),
        watch_(std::move(abort_on)) {}

  bool on_interval(const IntervalReport& report) override;
  void on_notice(const std::string& message) override;

  // The final results of `results`: tables on stdout, CSV files; returns them. Call once,
  // after the run. Throws std::runtime_error when a CSV file cannot be written (the tables
  // are out by then).
  Summary finish(const LiveResults& results, LoadModel model);

  // Takes the progress line off the terminal before something else is printed.
  void clear_progress() { progress_.clear(); }
  // Each notice (the run's, and this report's own: a threshold that stops the run) also goes
  // to `listener` (the web UI's Logs), on the run's thread.
  void also_tell(std::function<void(const std::string&)> listener) { listener_ = std::move(listener); }

  // The threshold that stopped the run (--abort-on-fail), or empty.
  const std::string& aborted_by() const { return aborted_by_; }

 private:
  bool only_summary_;
  std::unique_ptr<CsvReport> csv_;
  ProgressLine progress_;
  ThresholdWatch watch_;
  std::string aborted_by_;
  std::function<void(const std::string&)> listener_;
  std::uint64_t intervals_ = 0;
  std::size_t marks_shown_ = 0;  // the plan's marks already printed
  bool spawn_reported_ = false;
};

}  // namespace nest::host
