// The RunObserver nest-host uses: merges every interval, prints the live table every 2 s
// (unless --only-summary), appends the CSV history row each second.
#pragma once

#include <memory>
#include <string>

#include "engine/runner.h"
#include "report/csv_report.h"
#include "stats/aggregator.h"

namespace nest::host {

class LiveReport final : public RunObserver {
 public:
  // `csv` may be null (no --csv).
  LiveReport(bool only_summary, std::unique_ptr<CsvReport> csv)
      : only_summary_(only_summary), csv_(std::move(csv)) {}

  void on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed, bool spawning,
                   bool final) override;
  void on_notice(const std::string& message) override;

  // The final results: tables on stdout, CSV files; returns them. Call once, after the run.
  // Throws std::runtime_error when a CSV file cannot be written (the tables are out by then).
  Summary finish();

 private:
  Aggregator aggregator_;
  bool only_summary_;
  std::unique_ptr<CsvReport> csv_;
  std::uint64_t intervals_ = 0;
  bool spawn_reported_ = false;
};

}  // namespace nest::host
