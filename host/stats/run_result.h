// Everything a run produced, as plain data: what `--json` writes and `report`/`compare` read
// back. Figures derived from it (Summary) are computed, never stored twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/sample_set.h"
#include "stats/timeline.h"

namespace nest::host {

// The settings a run used, as the report shows them.
struct RunInfo {
  std::string nest_version;
  std::string host;
  std::string model = "closed";  // "closed" (users) or "open" (arrivals)
  std::string plan;              // the load plan in words: "50 users at 10/s", "stages ..."
  std::uint64_t users = 0;
  double spawn_rate = 0;
  std::optional<double> run_time_s;  // none: until Ctrl-C
  unsigned threads = 0;
  std::string transport = "curl";  // --transport: for tasksets that do not choose in code
  std::string started_at;          // UTC, ISO 8601, e.g. 2026-11-23T10:15:00Z
  double elapsed_s = 0;            // from the first spawn to the end
  // When statistics were last reset (web UI), in seconds from the first spawn; none: never.
  // The totals cover the time after it; the timeline covers the whole run.
  std::optional<double> stats_reset_at_s;
  // The seconds the totals cover: the rates' denominator.
  double measured_s() const { return elapsed_s - stats_reset_at_s.value_or(0); }
  bool interrupted = false;        // stopped by Ctrl-C/SIGTERM before the run time
  std::string aborted_by;          // the threshold that stopped the run (--abort-on-fail)
  std::uint64_t seed = 0;
};

struct TasksetShare {
  std::string name;
  int weight = 0;
  std::string source;     // "nest.ini:7" or "plugin default"
  std::string plugin;     // file it came from
  std::string transport;  // "curl" or "fast": the taskset's choice in code, else the run's
  int fixed_count = 0;    // users that always run it (TaskSet::fixed_count); 0: by weight
};

// One threshold's verdict at the end of the run.
struct ThresholdVerdict {
  enum class Outcome { kPass, kFail, kNoData };
  std::string text;    // as written, e.g. "GET /login:p99<1s"
  std::string source;  // "--threshold" or "nest.ini:14"
  Outcome outcome = Outcome::kNoData;
  double measured = 0;        // in the metric's own unit (ms, ratio, req/s, count)
  std::string measured_text;  // e.g. "312 ms", "0.52%", "no request named 'GET /x'"
};

// A worker of a distributed run (nest-host --master), as the master saw it.
struct WorkerRecord {
  struct Event {
    double at_s = 0;    // on the master's clock, from the start
    std::string what;   // "joined" (during the run), "missing", "back"
    bool operator==(const Event&) const = default;
  };
  std::string name;             // "host:pid"
  std::uint64_t requests = 0;   // counted from its reports
  bool final_report = false;    // its last report came: every request it made is counted
  std::vector<Event> events;
  bool operator==(const WorkerRecord&) const = default;
};

struct RunResult {
  // 2: the load model and plan, open-model sessions (started, dropped, start lag), and the
  // timeline's target, session figures and marks. 3: requests cut at the end ("cut").
  // Versions 1 and 2 are still read.
  static constexpr int kSchemaVersion = 3;
  RunInfo info;
  std::vector<TasksetShare> tasksets;
  SampleSet totals;  // every row with its full histogram; failures; exceptions
  RowStats total;    // all rows merged (the Aggregated row)
  Timeline timeline;
  std::vector<ThresholdVerdict> thresholds;
  std::vector<WorkerRecord> workers;  // a distributed run's; empty for one process
};

}  // namespace nest::host
