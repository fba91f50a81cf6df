// The JSON result file (--json): a RunResult, whole, so that `nest-host report` and
// `nest-host compare` work from it exactly (histograms included). The format is documented in
// docs/results.md; "schema_version" changes whenever a reader of the old one would misread it.
#pragma once

#include <stdexcept>
#include <string>

#include "stats/run_result.h"

namespace nest::host {

// A result file that cannot be read; the message names the file and the field.
struct ResultFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The JSON key of a reported percentile: 0.5 -> "p50", 0.999 -> "p99.9", 1 -> "p100".
std::string percentile_key(double fraction);

std::string result_to_json(const RunResult& result);
// Throws ResultFileError naming `origin` (a file name) and the field that is wrong.
RunResult result_from_json(const std::string& text, const std::string& origin);

// Writes atomically (temporary file, then rename). Throws std::runtime_error naming the file.
void write_result_file(const std::string& path, const RunResult& result);
RunResult read_result_file(const std::string& path);

}  // namespace nest::host
