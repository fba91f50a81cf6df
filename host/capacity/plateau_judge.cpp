#include "capacity/plateau_judge.h"

#include <cmath>
#include <cstdio>

namespace nest::host {
namespace {

constexpr std::uint64_t kStartLagSessions = 100;  // for the p99 of start lag to mean anything

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char text[160];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

// The generator's own limits: its CPU and its event loops, whose delay is in every time it
// measured.
void check_generator(PlateauResult& p, const CapacityPlan& plan, std::vector<std::string>& out) {
  const GateReadings& g = p.gates;
  if (g.seconds > 0 && g.saturated_seconds > plan.gates.saturated_share * g.seconds) {
    out.push_back(std::to_string(g.saturated_seconds) + " of " + std::to_string(g.seconds) +
                  " s with the generator saturated (" +
                  (g.cpu_known ? format("CPU up to %.0f%% of its cores, ", g.max_cpu * 100) : "") +
                  format("event-loop lag up to %.0f ms)", g.max_lag_us / 1000.0));
  }
}

// What was delivered against the target: sessions started a second (open) or users running
// (closed), within the gate's share plus one arrival for where the hold's edges cut; sessions
// started on time; none dropped.
void check_delivery(PlateauResult& p, const CapacityPlan& plan, std::vector<std::string>& out) {
  // A p99 says something from 100 sessions on; below that, one session a busy machine delayed
  // would be the p99, so the median must be late: the schedule is systematically behind.
  const RowStats& lag = p.measured.start_lag;
  if (plan.model == LoadModel::kOpen && lag.requests > 0) {
    bool enough = lag.requests >= kStartLagSessions;
    double ms = lag.times.percentile(enough ? 0.99 : 0.5) / 1000.0;
    if (ms >= static_cast<double>(plan.gates.start_lag_p99.count())) {
      out.push_back(format(enough ? "sessions started late: start lag p99 %.0f ms (gate %.0f ms)"
                                  : "sessions started late: start lag median %.0f ms (gate %.0f "
                                    "ms, on the median below 100 sessions)",
                           ms, static_cast<double>(plan.gates.start_lag_p99.count())));
    }
  }

  double slack = plan.gates.achieved * p.target;
  if (plan.model == LoadModel::kOpen && p.hold_s > 0) {
    slack += 1 / p.hold_s;  // an arrival more or less where the hold's edges cut
    // Poisson arrivals: the count over the hold varies by √(target × hold) by chance alone.
    if (plan.arrivals == Arrivals::kPoisson) slack += 3 * std::sqrt(p.target * p.hold_s) / p.hold_s;
  }
  if (std::abs(p.achieved - p.target) > slack) {
    double share = p.target > 0 ? (p.achieved - p.target) / p.target * 100 : 0;
    out.push_back("delivered " + level_text(p.achieved, plan.model) + " of " +
                  level_text(p.target, plan.model) +
                  format(" (%+.1f%%, gate ±%.0f%%)", share, plan.gates.achieved * 100));
  }
  if (p.measured.dropped > 0) {
    out.push_back(std::to_string(p.measured.dropped) +
                  " arrival(s) dropped: --max-users sessions were running");
  }
}

}  // namespace

std::string level_text(double level, LoadModel model) {
  char text[48];
  std::snprintf(text, sizeof text, "%.1f", level);  // as the HTML report: one decimal at most
  std::string out = text;
  if (out.ends_with(".0")) out.resize(out.size() - 2);
  return out + (model == LoadModel::kOpen ? "/s" : " users");
}

void judge_plateau(PlateauResult& p, const CapacityPlan& plan) {
  p.slo.clear();
  p.reasons.clear();
  StatsView stats{p.measured.rows, p.total, p.hold_s};
  std::vector<std::string> broken_slo;
  for (const Threshold& t : plan.slo) {
    p.slo.push_back(evaluate(t, stats));
    const ThresholdVerdict& v = p.slo.back();
    if (v.outcome != ThresholdVerdict::Outcome::kPass) {
      broken_slo.push_back(t.text + ": " + v.measured_text);
    }
  }
  std::vector<std::string> generator, delivery;
  check_generator(p, plan, generator);
  check_delivery(p, plan, delivery);
  if (!generator.empty()) {
    p.verdict = PlateauVerdict::kInvalid;
    p.reasons = generator;
  } else if (!broken_slo.empty()) {
    p.verdict = PlateauVerdict::kFail;
    p.reasons = broken_slo;
    for (auto& d : delivery) p.reasons.push_back(d + ": it failed below its target");
  } else if (!delivery.empty()) {
    p.verdict = PlateauVerdict::kInvalid;
    p.reasons = delivery;
  } else {
    p.verdict = PlateauVerdict::kPass;
  }
  if (p.carried > 0) {
    p.reasons.push_back("note: " + std::to_string(p.carried) +
                        " session(s) of the plateau before were still running when it began "
                        "(--cooldown ran out)");
  }
}

}  // namespace nest::host
