// The capacity document (`nest-host capacity --json`): a CapacityResult, whole. Its schema is
// "nest-capacity"; each plateau carries its measured hold as a complete "nest-result" document
// (capacity/../report/result_json.h), histograms included, so `nest-host report` and any
// reader of results can take a plateau apart. The format is in docs/capacity.md;
// "schema_version" changes whenever a reader of the old one would misread it.
#pragma once

#include <string>

#include "capacity/capacity_result.h"

namespace nest::host {

std::string capacity_to_json(const CapacityResult& result);
// Throws ResultFileError naming `origin` and the field that is wrong.
CapacityResult capacity_from_json(const std::string& text, const std::string& origin);

// Writes atomically; throws std::runtime_error naming the file.
void write_capacity_file(const std::string& path, const CapacityResult& result);
CapacityResult read_capacity_file(const std::string& path);

// Whether the file at `path` says it is a capacity document (its "schema"); false when it
// cannot be read or parsed (reading it as a result then says why).
bool is_capacity_file(const std::string& path);

// The text of a verdict in files and tables: "pass", "fail", "invalid".
const char* verdict_name(PlateauVerdict verdict);

}  // namespace nest::host
