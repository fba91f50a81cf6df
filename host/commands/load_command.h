// The steps a load test (nest-host) and a capacity search (nest-host capacity) share, in
// order: parse the options, discover the plugins, weigh the tasksets, check the outputs,
// confirm. Each step that must end the command returns its exit code.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/options.h"
#include "config/weights.h"
#include "deps/dependency_runner.h"
#include "plugins/loader.h"
#include "report/csv_report.h"
#include "stats/run_result.h"

namespace nest::host {

constexpr int kExitUsage = 2;
constexpr int kExitThresholds = 3;
constexpr int kExitCrash = 4;

// Prints "nest-host: MESSAGE (see nest-host --help)" on stderr; returns kExitUsage.
int usage_error(const std::string& message);

// "2026-11-24T10:15:00Z": now, in UTC.
std::string utc_now();

class LoadCommand {
 public:
  // `capacity`: nest-host capacity's options (config/capacity_options.h).
  explicit LoadCommand(bool capacity) : capacity_(capacity) {}

  // Every step before the load, in order; the exit code when one ends the command.
  std::optional<int> prepare(int argc, const char* const* argv);

  std::optional<int> parse(int argc, const char* const* argv);
  std::optional<int> discover();
  std::optional<int> weigh();
  // Every file the command will write can be written, and no two are the same: found out
  // before the run, not after it.
  std::optional<int> check_outputs();
  std::optional<int> confirm();
  // --tags, --exclude-tags: each taskset left with no task to run gets weight 0 (said on
  // stderr), so its share goes to the others and no user visits an empty taskset.
  void leave_out_by_tags();
  // What is wrong with running `chosen` (names and weights, as the web UI's form gives them):
  // none left with a task to run (--tags, --exclude-tags), or a fixed count in the open
  // model; empty when nothing is.
  std::string check_chosen(const std::vector<TasksetShare>& chosen) const;
  // Starts the run's dependencies, each once the one before is ready: after the confirmation
  // (and the web UI's Start), before the first user. The exit code (1) when one fails.
  std::optional<int> start_dependencies();
  // Stops them (SIGTERM, then SIGKILL after their grace); says which had ended on their own.
  void stop_dependencies();

 protected:
  // Opens --csv's files into `csv` (left null without --csv); the exit code when it cannot.
  std::optional<int> open_csv(std::unique_ptr<CsvReport>& csv) const;
  // Writes --json (with `write_json`, given the path) and --html (the text `html` makes), when
  // asked; a failure to write one still tries the other, and turns a `code` of 0 into
  // `failed_code`. Returns the code.
  int write_outputs(const std::function<void(const std::string&)>& write_json,
                    const std::function<std::string()>& html, int code, int failed_code) const;

  // Each taskset taking part, with its weight, where it came from, plugin and transport.
  std::vector<TasksetShare> taskset_shares() const;

  bool capacity_;
  Options options_;
  Discovery discovery_;
  WeightResolution weights_;
  std::vector<TasksetType> tasksets_;
  std::unique_ptr<Dependencies> dependencies_;  // stopped when the command ends, whatever ends it
};

}  // namespace nest::host
