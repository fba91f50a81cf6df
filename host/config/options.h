// nest-host's command line. Every option documents its unit and default in --help.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "engine/run_plan.h"

namespace nest::host {

struct Options {
  RunSettings run;              // -u -r -t --threads --stop-timeout --request-timeout -H
  std::string taskset_dir = "tasksets";
  std::string csv_prefix;       // --csv: empty = no CSV files
  bool csv_full_history = false;
  bool only_summary = false;
  bool yes = false;             // -y: accepted; the confirmation comes with the workflow
  bool list = false;            // --list: print what was found and exit
  int exit_code_on_error = 1;
  bool help = false;
  bool version = false;
  std::string help_text;
};

// Thrown for bad usage; the message names the flag and what is wrong with it.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Options parse_options(int argc, const char* const* argv);

}  // namespace nest::host
