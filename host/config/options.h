// nest-host's options: the command line over the INI file's [nest] section over the defaults.
// Every option documents its unit and default in --help.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "capacity/capacity_plan.h"
#include "config/ini_file.h"
#include "engine/run_plan.h"
#include "report/thresholds.h"
#include "config/web_settings.h"
#include "deps/dependency.h"

namespace nest::host {

// --master and --worker (distributed runs, host/cluster/).
struct ClusterOptions {
  bool master = false;                         // --master: runs no users; merges the workers'
  std::string bind = "tcp://127.0.0.1:5557";   // --bind
  std::size_t expect_workers = 1;              // --expect-workers
  std::chrono::milliseconds expect_workers_max_wait{60000};  // --expect-workers-max-wait
  bool rebalance = true;  // a missing worker's share moves to the others (--no-rebalance)
  std::string cluster_key;  // --cluster-key FILE: the key master and workers share; empty: none
  bool worker = false;                         // --worker: runs its share of a master's plan
  std::string master_host = "127.0.0.1";       // --master-host
  int master_port = 5557;                      // --master-port
  std::string master_url;                      // --master-url: instead of host and port
  // --processes N: this process is the master of N worker processes it starts itself (over a
  // local socket); 0: none.
  unsigned processes = 0;
};

struct Options {
  RunSettings run;    // -u -r -t --threads --stop-timeout --request-timeout -H, the load plan
  std::string shape;  // --shape: a load shape from the plugins, by name; empty = none
  std::string make_cluster_key;  // --make-cluster-key FILE: write a new key there and exit
  std::string taskset_dir = "tasksets";
  std::string csv_prefix;  // --csv: empty = no CSV files
  bool csv_full_history = false;
  std::string json_path;              // --json: empty = none
  std::string html_path;              // --html: empty = none
  std::vector<Threshold> thresholds;  // --threshold, then [thresholds] of the INI file
  bool abort_on_fail = false;         // stop the run once a threshold stays broken
  bool only_summary = false;
  bool yes = false;               // -y: run without asking "Run with these weights? [Y/n]"
  bool list = false;              // --list: print what was found and exit
  bool configure = false;         // --configure: ask for the weights and save them
  std::string config_path;        // --config as given (default nest.ini), whether or not it exists
  std::optional<IniFile> config;  // --config (default ./nest.ini) when the file exists
  int exit_code_on_error = 1;
  bool help = false;
  bool version = false;
  std::string help_text;
  WebSettings web;  // --web, --web-host, --web-port, --web-auth, --autostart, --autoquit
  // [dependencies], --dependency, --ready, --dependency-timeout: started before the run, in
  // this order (config/dependency_options.h).
  std::vector<DependencySpec> dependencies;
  ClusterOptions cluster;
  // nest-host capacity: the search it runs instead of the load plan (-u, stages, rates).
  std::optional<CapacityPlan> capacity;
};

// Thrown for bad usage; the message names the flag and what is wrong with it.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the command line, then --config (default ./nest.ini; a missing default file is fine).
// Throws UsageError naming the flag, or the file and line, of what is wrong.
// With `capacity`, reads nest-host capacity's options instead of a load plan
// (config/capacity_options.h).
Options parse_options(int argc, const char* const* argv, bool capacity = false);

// The system under test's address, as --host (or the web UI's form) gives it: trailing
// slashes dropped in place. Returns what is wrong with it ("'x' needs a scheme, ..."), or
// empty when it is an http:// or https:// URL without a query (or empty: none given).
std::string check_host(std::string& host);

}  // namespace nest::host
