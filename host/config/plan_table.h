// Tables of what was discovered (--list) and of what is about to run (the weights table).
#pragma once

#include <cstdio>

#include "config/options.h"
#include "config/weights.h"
#include "plugins/loader.h"

namespace nest::host {

// The run hooks found (NEST_RUN_HOOKS), a line each.
void print_run_hooks(std::FILE* out, const Discovery& discovery);
// The run's dependencies: each one's name, command, readiness check and where it was given.
void print_dependencies(std::FILE* out, const std::vector<DependencySpec>& dependencies);
// With `run`, tasks its --tags and --exclude-tags leave out say "off (--tags)".
void print_discovery(std::FILE* out, const Discovery& discovery, const RunSettings* run = nullptr);
// Every taskset with its weight, share of users, plugin and where the weight came from; with
// `run`, also the transport its users get.
void print_weights_table(std::FILE* out, const WeightResolution& weights,
                         const RunSettings* run = nullptr);
// The load plan in words: "50 users at 10.00/s", "stages 30s:100, 2m:100, 30s:0", "load shape
// Spike", "sessions arriving 200.00/s (constant)".
std::string describe_load_plan(const Options& options);
// The weights table, then the run settings.
void print_run_plan(std::FILE* out, const WeightResolution& weights, const Options& options);

}  // namespace nest::host
