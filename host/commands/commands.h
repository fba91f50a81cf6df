// nest-host's subcommands besides running a test. Each takes the arguments after its name and
// returns the process's exit code: 0 fine, 2 bad usage or unreadable file, 3 (compare) a
// --fail-on rule broke.
#pragma once

namespace nest::host {

// nest-host report RESULT.json [--html FILE]: the final tables (and thresholds) of a saved
// result, and optionally its HTML report.
int report_command(int argc, const char* const* argv);

// nest-host compare BASE.json NEW.json [--html FILE] [--fail-on RULE]...
int compare_command(int argc, const char* const* argv);

}  // namespace nest::host
