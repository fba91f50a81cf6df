// A capacity search on the console: one line per plateau as it is judged, then the table of
// every plateau, the capacity found (or why there is none) and the cost figures with their
// formulas and assumptions. Reads only CapacityResult and PlateauResult.
#pragma once

#include <cstdio>

#include "capacity/capacity_result.h"
#include "engine/run_plan.h"

namespace nest::host {

// "plateau 3  200/s  achieved 200.0/s  201.3 req/s  p50 5.1  p95 9.0  p99 12 ms  0.00% fail
//  PASS", and on the next lines why it failed or is invalid.
void print_plateau_line(std::FILE* out, const PlateauResult& plateau, LoadModel model);

// The plateau table, the capacity (or the ending's message) and the cost figures.
void print_capacity_summary(std::FILE* out, const CapacityResult& result);

}  // namespace nest::host
