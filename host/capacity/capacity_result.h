// What a capacity search produced, as plain data: what `nest-host capacity --json` writes (a
// versioned "nest-capacity" document, capacity/capacity_json.h) and the console and HTML
// render. Every plateau keeps its measured hold whole (rows with full histograms), so any
// figure can be computed again from the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_plan.h"
#include "capacity/cost_model.h"
#include "capacity/plateau_search.h"
#include "stats/run_result.h"
#include "stats/sample_set.h"

namespace nest::host {

// What the validity gates read over a plateau's hold.
struct GateReadings {
  unsigned seconds = 0;            // intervals measured in the hold
  unsigned saturated_seconds = 0;  // of them, with the generator's CPU or loop lag over limit
  double max_cpu = 0;              // the generator's busiest second (0..1 of its cores)
  std::uint64_t max_lag_us = 0;    // the worst event-loop lag
  double users = 0;                // users (sessions) running, averaged over the hold's seconds
  bool cpu_known = false;          // the CPU was measured (not in driven tests)
};

struct PlateauResult {
  int number = 0;             // 1, 2, ... in the order held
  double target = 0;          // arrivals/s (open) or users (closed)
  bool confirmation = false;  // the longer hold that confirms the level found
  bool complete = true;       // false: the run ended during it; not judged, not in the search
  double started_s = 0;       // run time when its warm-up began
  double hold_from_s = 0;     // run time when its measured hold began
  double hold_s = 0;          // seconds measured
  SampleSet measured;         // the hold's intervals merged
  RowStats total;             // every row of `measured` merged
  GateReadings gates;
  double achieved = 0;  // delivered: sessions started per second (open), users (closed)
  // Open model: sessions of the plateau before still running when it began (the cool-down
  // ran out); 0 normally.
  std::uint64_t carried = 0;
  std::vector<ThresholdVerdict> slo;  // each service-level threshold on the hold
  PlateauVerdict verdict = PlateauVerdict::kPass;
  std::vector<std::string> reasons;  // why it failed or is invalid; notes on a pass

  double rps() const { return hold_s > 0 ? total.requests / hold_s : 0; }
  double fail_ratio() const {
    return total.requests ? static_cast<double>(total.failures) / total.requests : 0;
  }
  // Requests in flight at the system, by Little's law: throughput × mean response time.
  double in_flight() const {
    return total.requests ? rps() * (static_cast<double>(total.total_us) / total.requests) / 1e6
                          : 0;
  }
};

// The capacity found: the confirmed plateau's level and what it measured.
struct FoundCapacity {
  double level = 0;                      // arrivals/s (open) or users (closed)
  int plateau = 0;                       // the confirming plateau's number
  double rps = 0;                        // requests per second it completed
  std::optional<double> sessions_per_s;  // open model: sessions started per second
  double in_flight = 0;                  // requests in flight (Little's law)
  double users = 0;                      // users (sessions) running, averaged
  bool at_ceiling = false;               // the ceiling passed: the capacity is at least this
};

struct CapacitySettingsRecord {
  double start = 0, precision = 0;
  std::optional<double> ceiling;
  double warmup_s = 0, hold_s = 0, confirm_hold_s = 0, cooldown_s = 0;
  std::vector<std::pair<std::string, std::string>> slo;  // (text, source)
  double spawn_rate = 0;                   // closed model: users a second at each step; 0: at once
  std::string arrivals = "constant";       // open model: "constant" or "poisson"
  std::optional<std::uint64_t> max_users;  // open model: --max-users
  GateLimits gates;                        // the validity gates' limits
};

struct CapacityResult {
  static constexpr int kSchemaVersion = 1;
  RunInfo info;  // host, model, threads, transport, seed, started, elapsed, interrupted
  std::vector<TasksetShare> tasksets;
  CapacitySettingsRecord settings;
  std::vector<PlateauResult> plateaus;
  // "found", "ceiling", "invalid", "nothing passed", "interrupted" or "crashed".
  std::string ending;
  std::string message;  // the ending in a sentence, for people
  std::optional<FoundCapacity> capacity;
  CostInputs cost;
  std::optional<CostReport> cost_report;  // when cost inputs were given and a capacity found
};

}  // namespace nest::host
