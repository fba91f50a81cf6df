// Locust-compatible CSV files: PREFIX_stats.csv, PREFIX_stats_history.csv (a row a second),
// PREFIX_failures.csv and PREFIX_exceptions.csv, with Locust 2.x's column names, so tools that
// read Locust's CSV read Nest's. Times in milliseconds.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "stats/summary.h"

namespace nest::host {

// The end-of-run files' contents, as CsvReport::write_final writes them (also served by the
// web UI as downloads of the run so far).
std::string stats_csv(const Summary& summary);
std::string failures_csv(const Summary& summary);
std::string exceptions_csv(const Summary& summary);

class CsvReport {
 public:
  // Opens PREFIX_stats_history.csv and writes its header. Throws std::runtime_error naming the
  // file when it cannot be written.
  CsvReport(std::string prefix, bool full_history);
  ~CsvReport();
  CsvReport(const CsvReport&) = delete;
  CsvReport& operator=(const CsvReport&) = delete;

  // One history row (Aggregated; every row too with full_history) at unix time `timestamp`.
  // `target`: the plan's aim then (users; arrivals per second in the open model); `stage`: the
  // part of the plan running (a stage's or a load shape step's label), or empty.
  void add_history(const Summary& summary, long long timestamp, double target = 0,
                   const std::string& stage = "");
  // Writes the three end-of-run files, replacing any earlier ones. One that cannot be written
  // does not keep the others from being written; then it throws, naming each that failed.
  void write_final(const Summary& summary);

  // The four files a prefix makes, history first.
  static std::vector<std::string> files(const std::string& prefix);

 private:
  std::string prefix_;
  bool full_history_;
  std::FILE* history_ = nullptr;
};

}  // namespace nest::host
