// Tables of what was discovered (--list) and of what is about to run (the weights table).
#pragma once

#include <cstdio>

#include "config/options.h"
#include "plugins/loader.h"

namespace nest::host {

void print_discovery(std::FILE* out, const Discovery& discovery);
void print_run_plan(std::FILE* out, const std::vector<TasksetType>& tasksets,
                    const Options& options);

}  // namespace nest::host
