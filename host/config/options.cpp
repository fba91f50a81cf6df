#include "config/options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "config/capacity_options.h"
#include "config/dependency_options.h"
#include "config/load_plan.h"
#include "engine/fd_limit.h"
#include "engine/schedule.h"
#include "http/url.h"
#include "util/byte_size.h"
#include "util/duration.h"
#include "util/text.h"

namespace nest::host {
namespace po = boost::program_options;

namespace {

std::chrono::milliseconds duration_flag(const po::variables_map& vm, const char* flag) {
  auto text = vm[flag].as<std::string>();
  auto parsed = parse_duration(text);
  if (!parsed) {
    throw UsageError("--" + std::string(flag) + ": '" + text +
                     "' is not a duration (use 90, 30s, 5m, 1h30m or 250ms)");
  }
  return *parsed;
}

// Keys of [nest]: every long option but those that only make sense on a command line.
std::vector<std::string> ini_keys(const po::options_description& desc) {
  std::vector<std::string> keys;
  for (const auto& option : desc.options()) {
    const std::string& name = option->long_name();
    if (name != "help" && name != "version" && name != "make-cluster-key" && name != "config" && name != "list" &&
        name != "configure" && name != "threshold" && name != "stages" &&
        name != "dependency" && name != "ready") {
      keys.push_back(name);
    }
  }
  return keys;
}

// What nest-host reads of an INI file; anything else there is a mistake to name, never a line
// silently ignored: a key before any section, a section of another name, a key given twice.
void check_sections(const IniFile& ini) {
  // [slo], [capacity] and [cost] are nest-host capacity's (config/capacity_options.h); a run
  // leaves them be, so one file serves both.
  static const std::vector<std::string> kSections = {
      "nest", "weights", "thresholds", "stages", "dependencies", "slo", "capacity", "cost"};
  std::map<std::pair<std::string, std::string>, int> seen;  // (section, key) -> line
  for (const auto& e : ini.entries) {
    if (e.section.empty()) {
      throw UsageError(ini.where(e) + ": '" + e.key +
                       "' comes before any section: put it under [nest] (or [weights], "
                       "[thresholds], [stages])");
    }
    if (std::find(kSections.begin(), kSections.end(), e.section) == kSections.end()) {
      std::string hint = nearest(e.section, kSections);
      throw UsageError(ini.where(e) + ": unknown section [" + e.section + "]" +
                       (hint.empty() ? "" : " (did you mean [" + hint + "]?)") +
                       "; nest-host reads [nest], [weights], [thresholds], [stages], "
                       "[dependencies], and for capacity [slo], [capacity] and [cost]");
    }
    auto [it, added] = seen.try_emplace({e.section, e.key}, e.line);
    if (!added) {
      throw UsageError(ini.where(e) + ": '" + e.key + "' in [" + e.section +
                       "] is given again (first at line " + std::to_string(it->second) + ")");
    }
  }
}

std::optional<IniFile> read_config(const po::variables_map& vm) {
  const auto& path = vm["config"].as<std::string>();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (vm["config"].defaulted()) return std::nullopt;  // no ./nest.ini: defaults it is
    if (vm.count("configure") && vm["configure"].as<bool>()) return std::nullopt;  // to create
    throw UsageError("--config: " + path + " does not exist");
  }
  IniFile ini;
  try {
    ini = read_ini(path);
  } catch (const ConfigError& e) {
    throw UsageError(e.what());
  }
  check_sections(ini);
  return ini;
}

bool truthy(std::string value, bool& result) {
  for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (value == "true" || value == "yes" || value == "on" || value == "1") return result = true;
  if (value == "false" || value == "no" || value == "off" || value == "0") {
    result = false;
    return true;
  }
  return false;
}

// Stores the [nest] entries below what the command line set (po::store keeps the first value).
void store_ini_options(const IniFile& ini, const po::options_description& desc,
                       po::variables_map& vm) {
  auto keys = ini_keys(desc);
  for (const auto& e : ini.entries) {
    if (e.section != "nest") continue;
    if (e.key == "threshold") {
      throw UsageError(ini.where(e) +
                       ": thresholds go in a [thresholds] section, one "
                       "'label = threshold' a line");
    }
    if (std::find(keys.begin(), keys.end(), e.key) == keys.end()) {
      std::string hint = nearest(e.key, keys);
      throw UsageError(ini.where(e) + ": unknown option '" + e.key + "' in [nest]" +
                       (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::vector<std::string> args;
    if (desc.find(e.key, false).semantic()->max_tokens() == 0) {  // a switch
      bool on = false;
      if (!truthy(e.value, on)) {
        throw UsageError(ini.where(e) + ": " + e.key + " takes true or false, not '" + e.value +
                         "'");
      }
      if (!on) continue;
      args.push_back("--" + e.key);
    } else {
      args.push_back("--" + e.key + "=" + e.value);
    }
    try {
      po::store(po::command_line_parser(args).options(desc).run(), vm);
    } catch (const po::error& err) {
      throw UsageError(ini.where(e) + ": " + err.what());
    }
  }
}

// --threshold values, then the [thresholds] section (label = threshold) of the INI file.
std::vector<Threshold> read_thresholds(const std::vector<std::string>& flags,
                                       const std::optional<IniFile>& ini) {
  std::vector<Threshold> out;
  try {
    for (const auto& text : flags) out.push_back(parse_threshold(text, "--threshold"));
    if (!ini) return out;
    for (const auto& e : ini->entries) {
      if (e.section == "thresholds") out.push_back(parse_threshold(e.value, ini->where(e)));
    }
  } catch (const ThresholdError& e) {
    throw UsageError(e.what());
  }
  return out;
}

// The [stages] section of the INI file (label = DURATION:TARGET, in order): users, or rates
// when its targets carry a unit (/s, /m). Empty when there is none.
std::vector<Stage> read_ini_stages(const std::optional<IniFile>& ini, bool& rates) {
  std::vector<Stage> stages;
  if (!ini) return stages;
  std::optional<bool> kind;
  for (const auto& e : ini->entries) {
    if (e.section != "stages") continue;
    bool rate = is_rate_stage(e.value.substr(e.value.find(':') + 1));
    if (kind && *kind != rate) {
      throw UsageError(ini->where(e) +
                       ": [stages] mixes users and arrival rates: one plan has one model");
    }
    kind = rate;
    stages.push_back(parse_stage(e.value, rate, ini->where(e)));
  }
  rates = kind.value_or(false);
  return stages;
}

// "-u, -t" of the flags in `names` the user gave (on the command line or in [nest]).
std::string given(const po::variables_map& vm, std::initializer_list<const char*> names) {
  std::string out;
  for (const char* name : names) {
    if (!vm.count(name) || vm[name].defaulted()) continue;
    std::string flag = std::string(name) == "users"        ? "-u"
                       : std::string(name) == "spawn-rate" ? "-r"
                       : std::string(name) == "run-time"   ? "-t"
                                                           : "--" + std::string(name);
    out += (out.empty() ? "" : ", ") + flag;
  }
  return out;
}

void read_open_model_options(const po::variables_map& vm, Options& o);

// The load plan: closed (-u/-r, --stages, --shape) or open (--arrival-rate, --rate-stages),
// and the flags that cannot go together, named.
void read_load_plan(const po::variables_map& vm, const std::optional<IniFile>& ini, Options& o) {
  auto text = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
  };
  std::string stages = text("stages"), rate_stages = text("rate-stages");
  std::string arrival_rate = text("arrival-rate");
  o.shape = text("shape");
  bool ini_rates = false;
  std::vector<Stage> ini_stages = read_ini_stages(ini, ini_rates);
  auto conflict = [](const std::string& flag, const std::string& others, const std::string& why) {
    if (!others.empty()) throw UsageError(flag + " " + why + ": drop " + others);
  };
  if (!stages.empty()) {
    conflict("--stages",
             given(vm, {"users", "spawn-rate", "run-time", "shape", "arrival-rate", "rate-stages"}),
             "sets the users and the run time");
    o.run.stages = parse_stages(stages, false, "--stages");
  } else if (!rate_stages.empty()) {
    conflict("--rate-stages",
             given(vm, {"users", "spawn-rate", "run-time", "shape", "arrival-rate"}),
             "sets the arrival rate and the run time");
    o.run.stages = parse_stages(rate_stages, true, "--rate-stages");
    o.run.model = LoadModel::kOpen;
  } else if (!o.shape.empty()) {
    conflict("--shape", given(vm, {"users", "spawn-rate", "run-time", "arrival-rate"}),
             "sets the users and the run time");
  } else if (!arrival_rate.empty()) {
    conflict("--arrival-rate", given(vm, {"users", "spawn-rate"}),
             "starts sessions on a schedule (the open model); -u and -r are the closed model's");
    auto rate = parse_rate(arrival_rate);
    if (!rate || *rate <= 0) {
      throw UsageError("--arrival-rate: '" + arrival_rate +
                       "' is not a rate (use 200/s, 90/m, or 200 for per second)");
    }
    o.run.model = LoadModel::kOpen;
    o.run.arrival_rate = *rate;
  } else if (!ini_stages.empty()) {
    std::string others = given(vm, {"users", "spawn-rate", "run-time"});
    if (!others.empty()) {
      throw UsageError("[stages] of " + ini->path + " sets the " +
                       (ini_rates ? "arrival rate" : "users") + " and the run time: drop " +
                       others + " (or the [stages] section)");
    }
    o.run.stages = std::move(ini_stages);
    if (ini_rates) o.run.model = LoadModel::kOpen;
  }
  if (!o.run.stages.empty()) o.run.run_time = stages_length(o.run.stages);
  read_open_model_options(vm, o);
}

// --max-users and --arrivals, which only the open model takes.
void read_open_model_options(const po::variables_map& vm, Options& o) {
  std::string arrivals = vm.count("arrivals") ? vm["arrivals"].as<std::string>() : "";
  bool open = o.run.model == LoadModel::kOpen;
  if (!open && (vm.count("max-users") || !arrivals.empty())) {
    throw UsageError(std::string(vm.count("max-users") ? "--max-users" : "--arrivals") +
                     " is for the open model: give --arrival-rate or --rate-stages");
  }
  if (arrivals == "poisson") {
    o.run.arrivals = Arrivals::kPoisson;
  } else if (!arrivals.empty() && arrivals != "constant") {
    throw UsageError("--arrivals: '" + arrivals + "' is not constant or poisson");
  }
  if (vm.count("max-users")) {
    long long cap = vm["max-users"].as<long long>();
    if (cap < 1) throw UsageError("--max-users must be at least 1");
    o.run.max_users = static_cast<std::uint64_t>(cap);
  }
}

// --web and its company; a web UI beyond loopback only with credentials.
void read_web_options(const po::variables_map& vm, long long port, bool headless, Options& o) {
  WebSettings& web = o.web;
  if (headless && web.enabled) throw UsageError("--headless and --web: choose one");
  if (vm.count("web-auth")) {
    std::string auth = vm["web-auth"].as<std::string>();
    auto colon = auth.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == auth.size()) {
      throw UsageError("--web-auth: give USER:PASSWORD");
    }
    web.auth = auth;
  }
  if (vm.count("autoquit")) {
    double seconds = vm["autoquit"].as<double>();
    if (!(seconds >= 0) || !std::isfinite(seconds)) {
      throw UsageError("--autoquit: seconds, 0 or more");
    }
    web.autoquit_s = seconds;
  }
  if (!web.enabled) {
    for (const char* flag : {"web-host", "web-auth", "autoquit"}) {
      if (vm.count(flag))
        throw UsageError(std::string("--") + flag + " is for the web UI: add --web");
    }
    if (web.autostart) throw UsageError("--autostart is for the web UI: add --web");
    return;
  }
  if (port < 0 || port > 65535) throw UsageError("--web-port must be from 0 to 65535");
  web.port = static_cast<unsigned short>(port);
  if (!is_loopback(web.host) && !web.auth) {
    throw UsageError("--web-host " + web.host +
                     " lets other machines reach the web UI, which can start and stop runs: "
                     "give --web-auth USER:PASSWORD too (or keep the default, 127.0.0.1)");
  }
}

// --master, --worker and theirs: what a distributed run can do so far (docs/distributed.md).
void read_cluster_options(const po::variables_map& vm, long long expect_workers,
                          const std::string& expect_wait, const std::string& plan_flags,
                          Options& o) {
  ClusterOptions& c = o.cluster;
  if (c.master && c.worker) throw UsageError("--master and --worker: choose one");
  for (const char* flag : {"bind", "expect-workers", "expect-workers-max-wait", "no-rebalance"}) {
    if (vm.count(flag) && !vm[flag].defaulted() && !c.master) {
      throw UsageError(std::string("--") + flag + " is for the master: add --master");
    }
  }
  if (!c.cluster_key.empty() && !c.master && !c.worker) {
    throw UsageError("--cluster-key is for a master (--master) and its workers (--worker)");
  }
  for (const char* flag : {"master-host", "master-port", "master-url"}) {
    if (vm.count(flag) && !vm[flag].defaulted() && !c.worker) {
      throw UsageError(std::string("--") + flag + " is for a worker: add --worker");
    }
  }
  if (c.master) {
    if (expect_workers < 1 || expect_workers > 10000) {
      throw UsageError("--expect-workers must be from 1 to 10000");
    }
    c.expect_workers = static_cast<std::size_t>(expect_workers);
    auto wait = parse_duration(expect_wait);
    if (!wait || wait->count() <= 0) {
      throw UsageError("--expect-workers-max-wait: '" + expect_wait + "' is not a duration (60s, 5m)");
    }
    c.expect_workers_max_wait = *wait;
    bool loopback = c.bind.starts_with("tcp://127.") || c.bind.starts_with("tcp://localhost:") ||
                    c.bind.starts_with("tcp://[::1]:") || c.bind.starts_with("ipc://");
    if (!loopback && c.cluster_key.empty()) {
      throw UsageError("--bind " + c.bind +
                       " lets other machines reach the master, which hands out the run: give "
                       "--cluster-key FILE too, and the same file to every worker (make one with "
                       "nest-host --make-cluster-key FILE; docs/distributed.md)");
    }
    if (c.processes > 0 && !c.cluster_key.empty()) {
      throw UsageError("--processes talks to its own processes on a local socket: no "
                       "--cluster-key");
    }
  }
  if (c.worker) {
    if (c.master_port < 1 || c.master_port > 65535) {
      throw UsageError("--master-port must be from 1 to 65535");
    }
    if (o.web.enabled) throw UsageError("--worker and --web: the master's UI is the run's");
    // The plan carries these: a worker's own would be silently overruled. (Its nest.ini's
    // [nest] values for them are overruled without a word: the file may be the master's.)
    if (!plan_flags.empty()) {
      bool one = plan_flags.find(',') == std::string::npos;
      throw UsageError(plan_flags + (one ? " is" : " are") +
                       " the master's (its plan gives it to every worker): give " +
                       (one ? "it" : "them") + " to the master, not to --worker");
    }
    o.yes = true;  // nobody confirms a worker: the master's plan is the run
  }
}

}  // namespace

Options parse_options(int argc, const char* const* argv, bool capacity) {
  Options o;
  std::vector<std::string> thresholds, tags, exclude_tags, dependency_flags, ready_flags;
  std::string dependency_timeout = "30s", expect_wait = "60s";
  long long expect_workers = 1, processes = 0;
  std::string processes_text;
  bool no_rebalance = false;
  std::string transport = "curl";
  std::string host, run_time, stop_timeout = "0", drain_timeout = "5s", request_timeout = "60s",
                              config_path;
  long long users = 1, threads = 0;  // signed: "-5" must be an error, not a huge number
  long long web_port = 8089;
  bool headless = false;
  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  po::options_description desc(
      capacity ? "Usage: nest-host capacity --host URL --slo 'p99<300ms' [options]\n"
                 "       nest-host capacity fit RESULT.json... [--html FILE] [--customers N]\n"
                 "Searches for the highest load the system under test takes within its service "
                 "level (docs/capacity.md).\n\nOptions"
               : "Usage: nest-host [options]\n"
                 "       nest-host capacity --host URL --slo 'p99<300ms' [options]\n"
                 "       nest-host report RESULT.json [--html FILE]\n"
                 "       nest-host compare BASE.json NEW.json [--html FILE] [--fail-on RULE]...\n"
                 "Runs the tasksets found in --taskset-dir against --host.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help and exit")
    ("version", "show the version and exit")
    ("config", po::value(&config_path)->default_value("nest.ini"), "INI file: [weights] TasksetName = weight, and any option below in [nest]")
    ("host,H", po::value(&host), "base URL of the system under test, e.g. http://127.0.0.1:8080 (required to run)")
    ("users,u", po::value(&users)->default_value(1), "number of users to reach")
    ("spawn-rate,r", po::value(&o.run.spawn_rate)->default_value(1), "users started per second, over all threads")
    ("run-time,t", po::value(&run_time), "stop after this long, counted from the first spawn: 90 (s), 30s, 5m, 1h30m; default: until Ctrl-C")
    ("stages", po::value<std::string>(), "closed model, ramps of users: '30s:100, 2m:100, 30s:0' goes to 100 users in 30 s, holds 2 min, back to 0 in 30 s, then stops (also [stages] in the INI file); instead of -u, -r, -t")
    ("shape", po::value<std::string>(), "closed model, a load shape in code (NEST_SHAPE in a plugin) by name: it says how many users, second by second; instead of -u, -r, -t")
    ("arrival-rate", po::value<std::string>(), "open model: new sessions per second, whatever the system's answers: 200/s, 90/m; each is one visit to one taskset, which ends with interrupt()")
    ("rate-stages", po::value<std::string>(), "open model, ramps of the arrival rate: '1m:50/s, 5m:400/s'; instead of --arrival-rate and -t")
    ("arrivals", po::value<std::string>(), "open model: constant (evenly spaced, the default) or poisson (exponential gaps)")
    ("max-users", po::value<long long>(), "open model: sessions running at once at most; an arrival that finds no room is dropped and counted (default: no cap)")
    ("threads", po::value(&threads)->default_value(hardware), "worker threads (default: cores)")
    ("stop-timeout", po::value(&stop_timeout), "at stop, time users may take to finish their current task (default 0)")
    ("drain-timeout", po::value(&drain_timeout), "then, time the requests on the wire get to be answered and counted; no new request starts. What is still unanswered is cut, and counted as cut (default 5s)")
    ("request-timeout", po::value(&request_timeout), "default timeout of one request, connect to last byte (default 60s)")
    ("transport", po::value(&transport), "HTTP client: curl (libcurl: HTTP/2, TLS, proxies, every auth) or fast (Beast HTTP/1.1 keep-alive, plain or TLS, a connection per user, the most requests per CPU: docs/benchmarks.md); default curl")
    ("max-body", po::value<std::string>(), "largest response body kept, decoded: 10MiB, 512KiB, 1GB, or none; a larger one is a failed request and its bytes are dropped (default 10MiB)")
    ("max-redirects", po::value(&o.run.transport.max_redirects)->default_value(10), "redirects followed at most per request; 0 = none (the 3xx is the response)")
    ("insecure", po::bool_switch(&o.run.transport.insecure), "do not check TLS certificates (self-signed test systems); both transports")
    ("taskset-dir", po::value(&o.taskset_dir)->default_value("tasksets"), "folder searched (recursively) for taskset plugins")
    ("csv", po::value(&o.csv_prefix), "write PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv")
    ("csv-full-history", po::bool_switch(&o.csv_full_history), "also write every row, not only Aggregated, to the history CSV")
    ("json", po::value(&o.json_path), "write the whole result (stats, histograms, time series) to this JSON file")
    ("html", po::value(&o.html_path), "write a self-contained HTML report with charts to this file")
    ("tags,T", po::value(&tags)->multitoken()->composing(), "run only the tasks with one of these tags (TaskOptions::tags), e.g. --tags buy browse; a taskset left with none is left out")
    ("exclude-tags,E", po::value(&exclude_tags)->multitoken()->composing(), "never run the tasks with one of these tags")
    ("threshold", po::value(&thresholds)->composing(), "pass/fail criterion, repeatable: 'p95<300ms', 'GET /login:p99<1s', 'fail_ratio<1%', 'rps>200'; a broken one makes the exit code 3 (also [thresholds] in the INI file)")
    ("master", po::bool_switch(&o.cluster.master), "run as the master of a distributed run (docs/distributed.md): no users here; --expect-workers workers (nest-host --worker) each run a share of the plan, and their reports are merged into this run's results")
    ("bind", po::value(&o.cluster.bind), "with --master: the ZeroMQ address workers dial (default tcp://127.0.0.1:5557; loopback only, until the master asks for credentials)")
    ("expect-workers", po::value(&expect_workers), "with --master: the workers to wait for before the run starts (default 1)")
    ("expect-workers-max-wait", po::value(&expect_wait), "with --master: how long to wait for them (default 60s)")
    ("cluster-key", po::value(&o.cluster.cluster_key), "with --master or --worker: FILE holding the key master and workers share (CURVE: every message encrypted, only workers holding it join); required for a --bind beyond loopback")
    ("make-cluster-key", po::value(&o.make_cluster_key), "write a new cluster key to FILE (mode 600; never replaces a file) and exit")
    ("no-rebalance", po::bool_switch(&no_rebalance), "with --master: a missing worker's share is not moved to the others, and no worker joins during the run (default: moved, and back when it returns)")
    ("worker", po::bool_switch(&o.cluster.worker), "run as a worker: join the master at --master-host:--master-port and run the share of its plan it gives (its -H, load, run time, weights, tags, stop and drain timeouts, seed: none of these on a worker's command line)")
    ("master-host", po::value(&o.cluster.master_host), "with --worker: the master's address (default 127.0.0.1)")
    ("master-port", po::value(&o.cluster.master_port), "with --worker: the master's port (default 5557)")
    ("master-url", po::value(&o.cluster.master_url), "with --worker: the master's ZeroMQ address instead (tcp://H:P, ipc://PATH), as --processes gives it")
    ("processes", po::value(&processes_text), "run N worker processes on this machine, this one their master (a crash in a plugin costs one of them, not the run); each gets --threads / N threads. auto: one per core, or more when the users need more open files than one process may have")
    ("dependency", po::value(&dependency_flags)->composing(), "NAME=COMMAND, repeatable: a command (sh -c) started before the run, in order, and stopped after it (SIGTERM to its process group, then SIGKILL); its output goes to dependency-NAME.log beside the results (also [dependencies] in the INI file: docs/shared-data.md)")
    ("ready", po::value(&ready_flags)->composing(), "NAME=CHECK: when dependency NAME is ready: tcp://HOST:PORT (accepts a connection), http://URL (answers 2xx), log:TEXT (TEXT in its output); default: once started")
    ("dependency-timeout", po::value(&dependency_timeout), "how long a dependency may take to get ready before nest-host gives up, without starting the run (default 30s)")
    ("abort-on-fail", po::bool_switch(&o.abort_on_fail), "stop the run once a threshold stays broken for its grace period ('p95<300ms for 30s'; 10s by default)")
    ("only-summary", po::bool_switch(&o.only_summary), "no table every 2 s; only the final results")
    ("exit-code-on-error", po::value(&o.exit_code_on_error)->default_value(1), "exit code when a request failed or a task threw")
    ("seed", po::value(&o.run.seed)->default_value(0), "seed of the random choices (tasksets, tasks, waits, arrivals, feeders' random rows); 0 = from the clock")
    ("yes,y", po::bool_switch(&o.yes), "run without asking for confirmation")
    ("list", po::bool_switch(&o.list), "list the tasksets found, with their tasks, and exit")
    ("configure", po::bool_switch(&o.configure), "ask for each taskset's weight, save them to --config, then offer to run")
    ("web", po::bool_switch(&o.web.enabled), "serve the web UI (docs/web-ui.md): start, watch, steer and stop the run from a browser; the run waits for its Start unless --autostart")
    ("web-host", po::value(&o.web.host), "address the web UI listens on (default 127.0.0.1); any other needs --web-auth")
    ("web-port", po::value(&web_port)->default_value(8089), "port of the web UI; 0 = a free one")
    ("web-auth", po::value<std::string>(), "USER:PASSWORD the web UI asks for (HTTP Basic)")
    ("autostart", po::bool_switch(&o.web.autostart), "with --web: start the run at once, as configured")
    ("autoquit", po::value<double>(), "with --web: exit this many seconds after the run ends (default: keep the UI up until Ctrl-C)")
    ("headless", po::bool_switch(&headless), "no web UI (the default; for Locust's muscle memory)");
  // clang-format on
  if (capacity) add_capacity_options(desc);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  // Capacity steps users at -r only when the command line says so (an -r in [nest] is a run's).
  std::optional<double> spawn_rate_flag;
  if (vm.count("spawn-rate") && !vm["spawn-rate"].defaulted()) {
    spawn_rate_flag = vm["spawn-rate"].as<double>();
  }
  if (std::string plan = capacity ? plan_flags_given(vm) : ""; !plan.empty()) {
    throw UsageError(
        "nest-host capacity sets the load itself, plateau by plateau, and judges it "
        "by --slo: drop " +
        plan + " (--steps users --start N steps users; --ceiling caps the levels)");
  }
  // What a worker takes from the master's plan, if the command line gives it (a worker's
  // nest.ini may give it too: that file may be the master's, and is not refused for it).
  std::string plan_flags = flags_given(
      vm, {"host", "users", "spawn-rate", "run-time", "stages", "shape", "arrival-rate",
           "rate-stages", "arrivals", "max-users", "seed", "stop-timeout", "drain-timeout", "tags",
           "exclude-tags"});
  o.config = read_config(vm);
  if (o.config) store_ini_options(*o.config, desc, vm);
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  std::ostringstream help;
  help << desc;
  o.help_text = help.str();
  o.help = vm.count("help") > 0;
  o.version = vm.count("version") > 0;
  if (o.help || o.version || !o.make_cluster_key.empty()) return o;

  if (vm.count("run-time")) {
    o.run.run_time = duration_flag(vm, "run-time");
    if (o.run.run_time->count() <= 0) throw UsageError("--run-time must be more than 0");
  }
  if (vm.count("stop-timeout")) o.run.stop_timeout = duration_flag(vm, "stop-timeout");
  if (vm.count("drain-timeout")) o.run.drain_timeout = duration_flag(vm, "drain-timeout");
  if (vm.count("max-body")) {
    auto text = vm["max-body"].as<std::string>();
    auto size = text == "none" ? std::optional(std::numeric_limits<std::uint64_t>::max())
                               : parse_byte_size(text);
    if (!size || *size == 0) {
      throw UsageError("--max-body: '" + text + "' is not a size (10MiB, 512KiB, 1GB, none)");
    }
    o.run.transport.max_body = *size;
  }
  if (vm.count("request-timeout")) {
    o.run.transport.request_timeout = duration_flag(vm, "request-timeout");
    if (o.run.transport.request_timeout.count() <= 0) {
      throw UsageError("--request-timeout must be more than 0");
    }
  }
  if (users < 1) throw UsageError("--users must be at least 1");
  if (o.run.transport.max_redirects < 0 || o.run.transport.max_redirects > 100) {
    throw UsageError("--max-redirects must be from 0 to 100");
  }
  if (threads < 1 || threads > 1024) throw UsageError("--threads must be from 1 to 1024");
  o.run.users = static_cast<std::uint64_t>(users);
  o.run.threads = static_cast<unsigned>(threads);
  if (!(o.run.spawn_rate > 0) || !std::isfinite(o.run.spawn_rate)) {
    throw UsageError("--spawn-rate must be a number more than 0");
  }
  if (o.exit_code_on_error < 0 || o.exit_code_on_error > 255) {
    throw UsageError("--exit-code-on-error must be from 0 to 255 (an exit code is one byte)");
  }
  if (capacity) {
    o.capacity = read_capacity_options(vm, o.config, spawn_rate_flag);
    o.run.model = o.capacity->model;
    read_open_model_options(vm, o);
    o.capacity->arrivals = o.run.arrivals;
  } else {
    read_load_plan(vm, o.config, o);
  }
  // No more threads than users can ever be running (a closed model's most).
  std::uint64_t most = most_users(o.run);
  if (!capacity && o.run.model == LoadModel::kClosed && o.shape.empty() && o.run.threads > most) {
    o.run.threads = static_cast<unsigned>(most);
  }
  if (o.run.seed == 0) {
    o.run.seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  if (std::string problem = check_host(host); !problem.empty()) {
    throw UsageError("--host: " + problem);
  }
  o.run.transport.base_url = host;
  // Tags separated by commas or spaces: "a,b", "a, b" and "a b" alike.
  auto tag_list = [](const std::vector<std::string>& given, const char* flag) {
    std::vector<std::string> out;
    for (const auto& text : given) {
      std::size_t before = out.size();
      for (std::size_t begin = 0; begin < text.size();) {
        std::size_t end = std::min(text.find_first_of(", \t", begin), text.size());
        if (end > begin) out.push_back(text.substr(begin, end - begin));
        begin = end + 1;
      }
      if (out.size() == before) throw UsageError(std::string(flag) + ": no tag in '" + text + "'");
    }
    return out;
  };
  o.run.tags = tag_list(tags, "--tags");
  o.run.exclude_tags = tag_list(exclude_tags, "--exclude-tags");
  if (transport == "fast") {
    o.run.transport.kind = TransportSettings::Kind::kFast;
  } else if (transport != "curl") {
    throw UsageError("--transport: '" + transport + "' is not a transport (curl or fast)");
  }
  if (!capacity) o.thresholds = read_thresholds(thresholds, o.config);
  if (!capacity && o.abort_on_fail && o.thresholds.empty()) {
    throw UsageError("--abort-on-fail needs at least one --threshold");
  }
  o.config_path = config_path;
  o.dependencies = read_dependencies(o.config, dependency_flags, ready_flags, dependency_timeout);
  read_web_options(vm, web_port, headless, o);
  if (capacity && o.web.enabled) {
    throw UsageError("nest-host capacity has no web UI yet: drop --web");
  }
  if (processes_text == "auto") {
    processes = processes_for(most_users(o.run), std::max(1u, std::thread::hardware_concurrency()));
  } else if (!processes_text.empty()) {
    try {
      std::size_t used = 0;
      processes = std::stoll(processes_text, &used);
      if (used != processes_text.size()) processes = -1;
    } catch (const std::exception&) {
      processes = -1;
    }
  }
  if (processes < 0 || processes > 1024 || (!processes_text.empty() && processes == 0)) {
    throw UsageError("--processes must be from 1 to 1024, or auto");
  }
  if (processes > 0) {
    if (o.cluster.master || o.cluster.worker) {
      throw UsageError("--processes makes this process the master of its own workers: drop "
                       "--master and --worker");
    }
    o.cluster.processes = static_cast<unsigned>(processes);
    o.cluster.master = true;
    expect_workers = processes;
    o.cluster.bind = "ipc:///tmp/nest-host-" + std::to_string(getpid()) + ".ipc";
  }
  o.cluster.rebalance = !no_rebalance;
  read_cluster_options(vm, expect_workers, expect_wait, plan_flags, o);
  if (host.empty() && !o.list && !o.configure && !o.cluster.worker) {
    throw UsageError("--host is required, e.g. --host=http://127.0.0.1:8080");
  }
  return o;
}

std::string check_host(std::string& host) {
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.empty()) return {};
  if (host.find("://") == std::string::npos) {
    return "'" + host + "' needs a scheme, e.g. http://" + host;
  }
  auto url = parse_url(host);
  if (!url) {
    return "'" + host + "' is not an http:// or https:// URL (host, and a port from 1 to 65535)";
  }
  if (url->target.find('?') != std::string::npos || host.find('#') != std::string::npos) {
    return "'" + host +
           "' has a query or fragment; give it in the requests' paths (or their options' query)";
  }
  return {};
}

}  // namespace nest::host
