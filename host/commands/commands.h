// nest-host's commands. Each takes its arguments and returns the process's exit code: 0 fine,
// 1 a request failed or a task threw (run), 2 bad usage or an unreadable file, 3 a threshold
// (run) or a --fail-on rule (compare) broke.
#pragma once

namespace nest::host {

// nest-host [options]: runs a load test (all of argv, argv[0] included). README's options.
int run_command(int argc, const char* const* argv);

// nest-host capacity [options]: searches for the highest load within a service level
// (docs/capacity.md). Exit codes: 0 a capacity found, 1 no answer (an invalid plateau, or
// stopped), 2 bad usage, 3 even the lowest level broke the service level, 4 a plugin crashed.
int capacity_command(int argc, const char* const* argv);

// nest-host capacity fit RESULT.json... [--at N]... [--html FILE]: the USL over searches.
int capacity_fit_command(int argc, const char* const* argv);

// nest-host report RESULT.json [--html FILE]: the final tables (and thresholds) of a saved
// result, and optionally its HTML report.
int report_command(int argc, const char* const* argv);

// nest-host compare BASE.json NEW.json [--html FILE] [--fail-on RULE]...
int compare_command(int argc, const char* const* argv);

}  // namespace nest::host
