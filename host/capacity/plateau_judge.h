// A plateau's verdict, from what its hold measured: invalid when a validity gate broke (the
// generator, not the system, set the limit; or the load asked for was not delivered while the
// service level held), fail when the service level broke, else pass. Pure: no time, no I/O.
//
// The order matters and is the method's (docs/capacity.md):
//   1. the generator saturated (CPU, event-loop lag): invalid, pass or fail, since its own delay
//      is in every measured time;
//   2. a service-level threshold broke: fail, even when less than the target was delivered
//      (the system failed below the target, so it fails at it too);
//   3. less (or more) than the target was delivered, sessions started late (the schedule was
//      not kept), or arrivals were dropped: invalid (a pass at a lower load says nothing about
//      the target);
//   4. pass.
#pragma once

#include "capacity/capacity_plan.h"
#include "capacity/capacity_result.h"
#include "engine/run_plan.h"

namespace nest::host {

// Fills `plateau.slo`, `verdict` and `reasons` from its measured hold, gate readings and
// achieved load. `plateau.complete` must be true.
void judge_plateau(PlateauResult& plateau, const CapacityPlan& plan);

// A level for people, with one decimal at most: "200/s", "87.5/s" (open) or "20 users"
// (closed).
std::string level_text(double level, LoadModel model);

}  // namespace nest::host
