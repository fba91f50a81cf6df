#include "capacity/capacity_console.h"

#include "capacity/capacity_json.h"
#include "capacity/plateau_judge.h"
#include "report/table_format.h"
#include "util/text.h"

namespace nest::host {
namespace {

std::string percentile_ms(const PlateauResult& p, double fraction) {
  if (p.total.requests == 0) return "-";
  return millis(p.total.times.percentile(fraction) / 1000.0);
}

std::string verdict_word(const PlateauResult& p) {
  if (!p.complete) return "INCOMPLETE";
  switch (p.verdict) {
    case PlateauVerdict::kPass:
      return "PASS";
    case PlateauVerdict::kFail:
      return "FAIL";
    case PlateauVerdict::kInvalid:
      return "INVALID";
  }
  return "";
}

LoadModel model_of(const CapacityResult& r) {
  return r.info.model == "closed" ? LoadModel::kClosed : LoadModel::kOpen;
}

}  // namespace

void print_plateau_line(std::FILE* out, const PlateauResult& p, LoadModel model) {
  std::fprintf(
      out,
      "plateau %d%s  %s  achieved %s  %.1f req/s  p50 %s  p95 %s  p99 %s ms  %.2f%% fail  %s\n",
      p.number, p.confirmation ? " (confirmation)" : "", level_text(p.target, model).c_str(),
      level_text(p.achieved, model).c_str(), p.rps(), percentile_ms(p, 0.5).c_str(),
      percentile_ms(p, 0.95).c_str(), percentile_ms(p, 0.99).c_str(), p.fail_ratio() * 100,
      verdict_word(p).c_str());
  for (const auto& why : p.reasons) std::fprintf(out, "    %s\n", printable(why).c_str());
  std::fflush(out);
}

void print_capacity_summary(std::FILE* out, const CapacityResult& r) {
  LoadModel model = model_of(r);
  std::fprintf(out, "\nCapacity search: %zu plateau(s), %s model, %.0f s\n", r.plateaus.size(),
               r.info.model.c_str(), r.info.elapsed_s);
  std::fprintf(out, "%4s %-14s %-14s %10s %9s %9s %9s %8s  %s\n", "#", "target", "achieved",
               "req/s", "p50 ms", "p95 ms", "p99 ms", "fail %", "verdict");
  for (const auto& p : r.plateaus) {
    std::string target = level_text(p.target, model) + (p.confirmation ? " !" : "");
    std::fprintf(out, "%4d %-14s %-14s %10.1f %9s %9s %9s %8.2f  %s\n", p.number, target.c_str(),
                 level_text(p.achieved, model).c_str(), p.rps(), percentile_ms(p, 0.5).c_str(),
                 percentile_ms(p, 0.95).c_str(), percentile_ms(p, 0.99).c_str(),
                 p.fail_ratio() * 100, verdict_word(p).c_str());
  }
  std::fprintf(out, "  (! = the confirmation, held %.0f s; others %.0f s after a %.0f s warm-up)\n",
               r.settings.confirm_hold_s, r.settings.hold_s, r.settings.warmup_s);
  std::fprintf(out, "Service level:");
  for (const auto& [text, source] : r.settings.slo) {
    std::fprintf(out, " %s (%s)", printable(text).c_str(), printable(source).c_str());
  }
  std::fprintf(out, "\n\n");
  if (r.capacity) {
    const FoundCapacity& c = *r.capacity;
    std::fprintf(out, "Capacity: %s%s at the service level (plateau %d)\n",
                 c.at_ceiling ? "at least " : "", level_text(c.level, model).c_str(), c.plateau);
    std::fprintf(out, "  %.1f requests/s completed", c.rps);
    if (c.sessions_per_s) std::fprintf(out, ", %.1f sessions/s started", *c.sessions_per_s);
    std::fprintf(out,
                 "\n  %.1f requests in flight (Little's law: %.1f req/s x mean response time)"
                 ", %.1f %s running on average\n",
                 c.in_flight, c.rps, c.users, model == LoadModel::kOpen ? "sessions" : "users");
  }
  std::fprintf(out, "%s\n", printable(r.message).c_str());
  if (r.cost_report) {
    std::fprintf(out, "\nCost%s\n",
                 r.cost.currency.empty() ? "" : (" (" + printable(r.cost.currency) + ")").c_str());
    for (const auto& f : r.cost_report->figures) {
      std::fprintf(out, "  %s: %s %s\n    = %s\n", f.what.c_str(),
                   fixed(f.value, f.value < 100 ? 2 : 0).c_str(), f.unit.c_str(),
                   f.formula.c_str());
    }
    std::fprintf(out, "  Assuming:\n");
    for (const auto& a : r.cost_report->assumptions) std::fprintf(out, "    - %s\n", a.c_str());
  }
  std::fprintf(out, "\n");
}

}  // namespace nest::host
