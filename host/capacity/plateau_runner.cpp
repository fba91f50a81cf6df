#include "capacity/plateau_runner.h"

#include <cmath>

#include "capacity/plateau_judge.h"

namespace nest::host {
namespace {

// The run's first step: the first plateau, at once; later ones come through set_target.
class FirstPlateau final : public Schedule {
 public:
  FirstPlateau(LoadTarget target, std::string mark) : target_(target), mark_(std::move(mark)) {}
  Step at(std::chrono::duration<double>) override {
    if (given_) return {};
    given_ = true;
    return {target_, false, std::nullopt, mark_, {}};
  }

 private:
  LoadTarget target_;
  std::string mark_;
  bool given_ = false;
};

}  // namespace

PlateauRunner::PlateauRunner(const CapacityPlan& plan, RunObserver& progress,
                             std::function<void(const PlateauResult&)> judged)
    : plan_(plan), progress_(progress), judged_(std::move(judged)), search_(plan.search) {}

LoadTarget PlateauRunner::target_of(double level) const {
  if (plan_.model == LoadModel::kOpen) return ArrivalTarget{level, {}};
  return UsersTarget{static_cast<std::uint64_t>(std::llround(level)), plan_.spawn_rate};
}

std::string PlateauRunner::mark_of(const Plateau& plateau) const {
  return "plateau " + std::to_string(plateaus_.size()) + ": " +
         level_text(plateau.level, plan_.model) + (plateau.confirmation ? " (confirmation)" : "");
}

std::unique_ptr<Schedule> PlateauRunner::first_plateau() {
  Plateau first = *search_.next();
  begin(first, 0);
  return std::make_unique<FirstPlateau>(target_of(first.level), mark_of(first));
}

// A plateau starts at the run's second `second`: its warm-up first.
void PlateauRunner::begin(const Plateau& plateau, long second, std::uint64_t carried) {
  PlateauResult p;
  p.number = static_cast<int>(plateaus_.size()) + 1;
  p.target = plateau.level;
  p.confirmation = plateau.confirmation;
  p.started_s = static_cast<double>(second);
  p.carried = carried;
  plateaus_.push_back(std::move(p));
  if (second > 0 && run_) run_->set_target(target_of(plateau.level), mark_of(plateau));
  phase_ = Phase::kWarmup;
  phase_end_ = second + plan_.warmup.count();
}

void PlateauRunner::start_hold(long second) {
  phase_ = Phase::kHold;
  current().hold_from_s = static_cast<double>(second);
  users_sum_ = 0;
  phase_end_ = second + (current().confirmation ? plan_.confirm_hold : plan_.hold).count();
}

// One second of the hold: merged into the plateau, and read by the gates.
void PlateauRunner::measure(const IntervalReport& report) {
  PlateauResult& p = current();
  SampleSet interval = report.interval;
  for (const auto& [key, stats] : interval.rows) p.total.merge(stats);
  GateReadings& g = p.gates;
  ++g.seconds;
  bool saturated =
      report.interval.max_lag_us >= static_cast<std::uint64_t>(plan_.gates.lag.count()) * 1000;
  if (report.cpu) {
    g.cpu_known = true;
    g.max_cpu = std::max(g.max_cpu, *report.cpu);
    saturated = saturated || *report.cpu >= plan_.gates.cpu;
  }
  if (saturated) ++g.saturated_seconds;
  g.max_lag_us = std::max(g.max_lag_us, report.interval.max_lag_us);
  users_sum_ += static_cast<double>(report.interval.users);
  p.measured.merge(std::move(interval));
}

// After a stop, intervals no longer follow the plan; the plateau under way ends there.
void PlateauRunner::cut_short() {
  if (phase_ == Phase::kHold) {
    PlateauResult& p = current();
    p.hold_s = static_cast<double>(p.gates.seconds);
    p.gates.users = p.gates.seconds ? users_sum_ / p.gates.seconds : 0;
    p.complete = false;
    p.reasons.push_back("the run stopped during its hold: not judged");
    if (judged_) judged_(p);
  } else if (phase_ == Phase::kWarmup) {
    plateaus_.pop_back();  // nothing of it was measured
  }
  phase_ = Phase::kDone;
}

// The hold ends at `second`: judge it, and go on as the search says.
void PlateauRunner::close_hold(long second) {
  PlateauResult& p = current();
  p.hold_s = static_cast<double>(p.gates.seconds);
  p.gates.users = p.gates.seconds ? users_sum_ / p.gates.seconds : 0;
  p.achieved = plan_.model == LoadModel::kOpen
                   ? (p.hold_s > 0 ? p.measured.start_lag.requests / p.hold_s : 0)
                   : p.gates.users;
  judge_plateau(p, plan_);
  search_.record(p.verdict);
  bool passed = p.verdict == PlateauVerdict::kPass;
  if (judged_) judged_(p);
  auto next = search_.next();
  if (!next) {
    phase_ = Phase::kDone;
    return;
  }
  if (plan_.model == LoadModel::kOpen && !passed && plan_.cooldown.count() > 0) {
    phase_ = Phase::kCooldown;
    phase_end_ = second + plan_.cooldown.count();
    if (run_) run_->set_target(ArrivalTarget{0, {}}, "cool-down: sessions drain");
    return;
  }
  begin(*next, second);
}

bool PlateauRunner::on_interval(const IntervalReport& report) {
  bool stop = progress_.on_interval(report);
  if (phase_ == Phase::kDone) return true;
  // The run's k-th interval ends k s after its start, however late it arrives: counted, not
  // read from the clock, so a slow second cannot move a plateau's edges.
  long second = ++intervals_;
  if (report.final || report.stopping) {
    // The run is ending during this plateau: what its hold measured before the stop is kept,
    // unjudged (once the run stops, the load no longer follows the plan).
    cut_short();
    return false;
  }
  switch (phase_) {
    case Phase::kWarmup:
      if (second >= phase_end_) start_hold(second);
      break;
    case Phase::kHold:
      measure(report);
      if (second >= phase_end_) close_hold(second);
      break;
    case Phase::kCooldown:
      if (report.interval.users == 0 || second >= phase_end_) {
        begin(*search_.next(), second, report.interval.users);
      }
      break;
    case Phase::kDone:
      break;
  }
  return stop || phase_ == Phase::kDone;
}

void PlateauRunner::on_notice(const std::string& message) { progress_.on_notice(message); }

}  // namespace nest::host
