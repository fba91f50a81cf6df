// The answer of a capacity search, from its plateaus and how it ended: the ending, a sentence
// for people, and the capacity found (only when the search found one: never a guess).
#pragma once

#include "capacity/capacity_result.h"
#include "capacity/plateau_search.h"
#include "engine/run.h"

namespace nest::host {

// Fills `result.ending`, `.message` and `.capacity` from `result.plateaus` (as held), the
// search's ending and the run's outcome.
void conclude_search(CapacityResult& result, const PlateauSearch& search, const RunOutcome& outcome,
                     LoadModel model);

}  // namespace nest::host
