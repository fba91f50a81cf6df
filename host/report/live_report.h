// The RunObserver nest-host uses: merges every interval, keeps the per-second timeline, shows
// progress each second and the live table every 2 s (unless --only-summary), appends the CSV
// history row each second, and with --abort-on-fail stops the run once a threshold stays
// broken for its grace period.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/run.h"
#include "report/csv_report.h"
#include "report/progress_line.h"
#include "report/thresholds.h"
#include "stats/aggregator.h"
#include "stats/run_result.h"

namespace nest::host {

class LiveReport final : public RunObserver {
 public:
  // `csv` may be null (no --csv). `abort_on` is empty unless --abort-on-fail.
  LiveReport(bool only_summary, std::unique_ptr<CsvReport> csv, ProgressLine progress,
             std::vector<Threshold> abort_on)
      : only_summary_(only_summary), csv_(std::move(csv)), progress_(std::move(progress)),
        watch_(std::move(abort_on)) {}

  bool on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed, bool spawning,
                   bool final) override;
  void on_notice(const std::string& message) override;

  // The final results: tables on stdout, CSV files; returns them. Call once, after the run.
  // Throws std::runtime_error when a CSV file cannot be written (the tables are out by then).
  Summary finish();

  // Moves what was measured (totals, Aggregated row, timeline) into `result`, and the
  // threshold that stopped the run, if one did. Call after finish().
  void fill(RunResult& result);

 private:
  Aggregator aggregator_;
  Timeline timeline_;
  bool only_summary_;
  std::unique_ptr<CsvReport> csv_;
  ProgressLine progress_;
  ThresholdWatch watch_;
  std::string aborted_by_;
  std::uint64_t intervals_ = 0;
  bool spawn_reported_ = false;
};

}  // namespace nest::host
