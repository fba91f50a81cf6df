#include "capacity/search_conclusion.h"

#include "capacity/plateau_judge.h"

namespace nest::host {
namespace {

// The highest complete plateau that passed, or null.
const PlateauResult* highest_pass(const std::vector<PlateauResult>& plateaus) {
  const PlateauResult* best = nullptr;
  for (const auto& p : plateaus) {
    if (p.complete && p.verdict == PlateauVerdict::kPass && (!best || p.target > best->target)) {
      best = &p;
    }
  }
  return best;
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

FoundCapacity found(const PlateauResult& p, LoadModel model) {
  FoundCapacity c;
  c.level = p.target;
  c.plateau = p.number;
  c.rps = p.rps();
  if (model == LoadModel::kOpen) c.sessions_per_s = p.achieved;
  c.in_flight = p.in_flight();
  c.users = p.gates.users;
  return c;
}

// "; it met the service level up to 400/s (not confirmed)", or nothing.
std::string lower_bound(const std::vector<PlateauResult>& plateaus, LoadModel model) {
  const PlateauResult* pass = highest_pass(plateaus);
  if (!pass) return "";
  return ". It met the service level up to " + level_text(pass->target, model) + " (plateau " +
         std::to_string(pass->number) + ", not confirmed)";
}

}  // namespace

void conclude_search(CapacityResult& r, const PlateauSearch& search, const RunOutcome& outcome,
                     LoadModel model) {
  const auto& plateaus = r.plateaus;
  // The search ends found (or at the ceiling) right after a confirmation that passed: the last
  // plateau.
  auto confirmed = [&] {
    const PlateauResult& last = plateaus.back();
    r.capacity = found(last, model);
  };
  switch (search.ending()) {
    case PlateauSearch::Ending::kFound:
      confirmed();
      r.ending = "found";
      r.message = "The highest level that met the service level is " +
                  level_text(search.capacity(), model) + ", confirmed by plateau " +
                  std::to_string(r.capacity ? r.capacity->plateau : 0) + ".";
      return;
    case PlateauSearch::Ending::kCeiling:
      confirmed();
      r.capacity->at_ceiling = true;
      r.ending = "ceiling";
      r.message = "Every level up to the ceiling (" + level_text(search.capacity(), model) +
                  ") met the service level, confirmed by plateau " +
                  std::to_string(r.capacity->plateau) +
                  ": the capacity is at least that. Raise --ceiling to search higher.";
      return;
    case PlateauSearch::Ending::kInvalid: {
      const PlateauResult& bad = plateaus.back();
      bool generator = false;
      for (const auto& why : bad.reasons) {
        generator = generator || why.find("generator") != std::string::npos ||
                    why.find("started late") != std::string::npos;
      }
      r.ending = "invalid";
      r.message = "No capacity: plateau " + std::to_string(bad.number) + " (" +
                  level_text(bad.target, model) + ") is invalid: " + joined(bad.reasons) + ". " +
                  (generator ? "The generator, not the system, ran out: add threads, processes "
                               "or workers (or lower --ceiling)"
                             : std::string("The load asked for was not delivered, so nothing can "
                                           "be said of that level: ") +
                                   (model == LoadModel::kOpen
                                        ? "raise --max-users, or lower --ceiling"
                                        : "users did not all run through the hold (a slow -r "
                                          "ramp, or users that stop?); lower --ceiling")) +
                  lower_bound(plateaus, model) + ".";
      return;
    }
    case PlateauSearch::Ending::kNothingPassed: {
      const PlateauResult* lowest = nullptr;
      for (const auto& p : plateaus) {
        if (p.complete && (!lowest || p.target < lowest->target)) lowest = &p;
      }
      r.ending = "nothing passed";
      r.message = "No capacity: even " +
                  (lowest ? level_text(lowest->target, model) : std::string("the lowest level")) +
                  " broke the service level" +
                  (lowest ? " (" + joined(lowest->reasons) + ")" : std::string()) +
                  ". Lower --start, or check the service level and the system.";
      return;
    }
    case PlateauSearch::Ending::kSearching:
      break;
  }
  r.ending = outcome.crash ? "crashed" : "interrupted";
  r.message = std::string("No capacity: the search was ") +
              (outcome.crash ? "ended by a crash in plugin code (" + outcome.crash->what + ")"
                             : "stopped before it ended") +
              lower_bound(plateaus, model) + ".";
}

}  // namespace nest::host
