// Holds a capacity search's plateaus on a running load test. It is the run's observer: it
// gives the run its first plateau as the schedule, and from then on steers it through the
// control surface (Run::set_target) as each plateau ends. Each plateau: a warm-up that is
// discarded, then a measured hold whose one-second intervals are merged into the plateau's
// own SampleSet; at the hold's end it is judged (capacity/plateau_judge.h), the search
// (capacity/plateau_search.h) names the next level, and in the open model a plateau that did
// not pass is followed by a cool-down (no arrivals) until the sessions have drained. When the
// search is over it stops the run.
//
// Plateaus start on the run's whole seconds: interval k (ending k s after the start) belongs
// to the plateau in force during (k-1, k]. The new target is set just after the interval that
// closes a plateau arrives, a few milliseconds past the second; that sliver falls in the next
// plateau's warm-up.
//
// Thread-safety: on_interval and on_notice run on the run's thread; read the results after
// the run.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_plan.h"
#include "capacity/capacity_result.h"
#include "capacity/plateau_search.h"
#include "engine/run.h"
#include "engine/schedule.h"

namespace nest::host {

class PlateauRunner final : public RunObserver {
 public:
  // `progress` sees every interval and notice as well (the console's progress line, CSV
  // history); its wish to stop the run is honoured. `judged` is called with each plateau once
  // it is judged (or cut short by the end of the run). `plan` must outlive the runner.
  PlateauRunner(const CapacityPlan& plan, RunObserver& progress,
                std::function<void(const PlateauResult&)> judged);

  // The schedule the run starts with: the first plateau, from the start. Call once.
  std::unique_ptr<Schedule> first_plateau();
  // Steer `run` from here on. Call before run.go().
  void steer(Run& run) { run_ = &run; }

  bool on_interval(const IntervalReport& report) override;
  void on_notice(const std::string& message) override;

  const PlateauSearch& search() const { return search_; }
  // Every plateau held, in order; the last may be incomplete (the run ended during it).
  const std::vector<PlateauResult>& plateaus() const { return plateaus_; }

 private:
  enum class Phase { kWarmup, kHold, kCooldown, kDone };

  LoadTarget target_of(double level) const;
  std::string mark_of(const Plateau& plateau) const;
  void begin(const Plateau& plateau, long second, std::uint64_t carried = 0);
  void start_hold(long second);
  void cut_short();
  void measure(const IntervalReport& report);
  void close_hold(long second);
  PlateauResult& current() { return plateaus_.back(); }

  const CapacityPlan& plan_;
  RunObserver& progress_;
  std::function<void(const PlateauResult&)> judged_;
  PlateauSearch search_;
  Run* run_ = nullptr;
  std::vector<PlateauResult> plateaus_;
  Phase phase_ = Phase::kWarmup;
  long intervals_ = 0;    // intervals received: the run's second the last one ended
  long phase_end_ = 0;    // the run's second at which the phase ends
  double users_sum_ = 0;  // users running, summed over the hold's intervals
};

}  // namespace nest::host
