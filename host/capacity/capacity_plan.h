// What `nest-host capacity` is asked to do: the plateaus' levels, lengths and model, the
// service level each plateau is judged by, the validity gates, and the cost inputs. The
// method is explained in docs/capacity.md.
#pragma once

#include <chrono>
#include <vector>

#include "capacity/cost_model.h"
#include "capacity/plateau_search.h"
#include "engine/run_plan.h"
#include "report/thresholds.h"

namespace nest::host {

// When a plateau is invalid: the generator, not the system, set the limit (or the load asked
// for was not delivered). Each is checked over the plateau's measured hold only.
struct GateLimits {
  // The generator was saturated in more than `saturated_share` of the hold's seconds: CPU at
  // or above `cpu` of the cores its threads may use, or event-loop lag at or above `lag`.
  double cpu = 0.9;
  std::chrono::milliseconds lag{100};
  double saturated_share = 0.2;
  // Open model: the 99th percentile of how late sessions started (the generator's lateness);
  // with fewer than 100 sessions in the hold, their median.
  std::chrono::milliseconds start_lag_p99{50};
  // What was delivered (sessions started per second, or users running) differs from the
  // target by more than this share, plus one arrival for where the hold's edges cut, plus (for
  // Poisson arrivals) three standard deviations of the count: 3 √(target × hold).
  double achieved = 0.03;
};

struct CapacityPlan {
  LoadModel model = LoadModel::kOpen;      // open: levels are arrivals/s; closed: users
  SearchSettings search;                   // start level, precision, ceiling
  std::chrono::seconds warmup{15};         // discarded at the start of every plateau
  std::chrono::seconds hold{60};           // measured, after the warm-up
  std::chrono::seconds confirm_hold{120};  // the confirmation's measured hold
  // Open model, after a plateau that did not pass: no arrivals until every session has ended
  // (the system's queue drained), for at most this long, so the next plateau does not start
  // on the last one's backlog.
  std::chrono::seconds cooldown{30};
  double spawn_rate = 0;  // closed model: users started per second at each step; 0: at once
  Arrivals arrivals = Arrivals::kConstant;  // open model: how sessions arrive (--arrivals)
  std::vector<Threshold> slo;  // the service level: every one must hold on the measured hold
  GateLimits gates;
  CostInputs cost;
};

}  // namespace nest::host
