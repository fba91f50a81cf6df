#include "config/options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <thread>

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
    if (name != "help" && name != "version" && name != "config" && name != "list" &&
        name != "configure" && name != "threshold") {
      keys.push_back(name);
    }
  }
  return keys;
}

std::optional<IniFile> read_config(const po::variables_map& vm) {
  const auto& path = vm["config"].as<std::string>();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (vm["config"].defaulted()) return std::nullopt;  // no ./nest.ini: defaults it is
    if (vm.count("configure") && vm["configure"].as<bool>()) return std::nullopt;  // to create
    throw UsageError("--config: " + path + " does not exist");
  }
  try {
    return read_ini(path);
  } catch (const ConfigError& e) {
    throw UsageError(e.what());
  }
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

}  // namespace

Options parse_options(int argc, const char* const* argv) {
  Options o;
  std::vector<std::string> thresholds;
  std::string transport = "curl";
  std::string host, run_time, stop_timeout = "0", request_timeout = "60s", config_path;
  long long users = 1, threads = 0;  // signed: "-5" must be an error, not a huge number
  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  po::options_description desc(
      "Usage: nest-host [options]\n"
      "       nest-host report RESULT.json [--html FILE]\n"
      "       nest-host compare BASE.json NEW.json [--html FILE] [--fail-on RULE]...\n"
      "Runs the tasksets found in --taskset-dir against --host.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help and exit")
    ("version", "show the version and exit")
    ("config", po::value(&config_path)->default_value("nest.ini"), "INI file: [weights] TasksetName = weight, and any option below in [nest]")
    ("host,H", po::value(&host), "base URL of the system under test, e.g. http://127.0.0.1:8089 (required to run)")
    ("users,u", po::value(&users)->default_value(1), "number of users to reach")
    ("spawn-rate,r", po::value(&o.run.spawn_rate)->default_value(1), "users started per second, over all threads")
    ("run-time,t", po::value(&run_time), "stop after this long, counted from the first spawn: 90 (s), 30s, 5m, 1h30m; default: until Ctrl-C")
    ("threads", po::value(&threads)->default_value(hardware), "worker threads (default: cores)")
    ("stop-timeout", po::value(&stop_timeout), "at stop, time users may take to finish their current task; then requests under way are cancelled (default 0)")
    ("request-timeout", po::value(&request_timeout), "default timeout of one request, connect to last byte (default 60s)")
    ("transport", po::value(&transport), "HTTP client: curl (libcurl: HTTP/2, TLS, proxies, every auth) or fast (Beast HTTP/1.1 keep-alive, plain or TLS, a connection per user, the most requests per CPU: docs/benchmarks.md); default curl")
    ("max-redirects", po::value(&o.run.transport.max_redirects)->default_value(10), "redirects followed at most per request; 0 = none (the 3xx is the response)")
    ("insecure", po::bool_switch(&o.run.transport.insecure), "do not check TLS certificates (self-signed test systems); both transports")
    ("taskset-dir", po::value(&o.taskset_dir)->default_value("tasksets"), "folder searched (recursively) for taskset plugins")
    ("csv", po::value(&o.csv_prefix), "write PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv, PREFIX_exceptions.csv")
    ("csv-full-history", po::bool_switch(&o.csv_full_history), "also write every row, not only Aggregated, to the history CSV")
    ("json", po::value(&o.json_path), "write the whole result (stats, histograms, time series) to this JSON file")
    ("html", po::value(&o.html_path), "write a self-contained HTML report with charts to this file")
    ("threshold", po::value(&thresholds)->composing(), "pass/fail criterion, repeatable: 'p95<300ms', 'GET /login:p99<1s', 'fail_ratio<1%', 'rps>200'; a broken one makes the exit code 3 (also [thresholds] in the INI file)")
    ("abort-on-fail", po::bool_switch(&o.abort_on_fail), "stop the run once a threshold stays broken for its grace period ('p95<300ms for 30s'; 10s by default)")
    ("only-summary", po::bool_switch(&o.only_summary), "no table every 2 s; only the final results")
    ("exit-code-on-error", po::value(&o.exit_code_on_error)->default_value(1), "exit code when a request failed or a task threw")
    ("seed", po::value(&o.run.seed)->default_value(0), "seed of the random choices (tasksets, tasks, waits); 0 = from the clock")
    ("yes,y", po::bool_switch(&o.yes), "run without asking for confirmation")
    ("list", po::bool_switch(&o.list), "list the tasksets found, with their tasks, and exit")
    ("configure", po::bool_switch(&o.configure), "ask for each taskset's weight, save them to --config, then offer to run");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
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
  if (o.help || o.version) return o;

  if (vm.count("run-time")) o.run.run_time = duration_flag(vm, "run-time");
  if (vm.count("stop-timeout")) o.run.stop_timeout = duration_flag(vm, "stop-timeout");
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
  if (!(o.run.spawn_rate > 0)) throw UsageError("--spawn-rate must be more than 0");
  if (o.run.threads > o.run.users) o.run.threads = static_cast<unsigned>(o.run.users);
  if (o.run.seed == 0) {
    o.run.seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (!host.empty() && host.find("://") == std::string::npos) {
    throw UsageError("--host: '" + host + "' needs a scheme, e.g. http://" + host);
  }
  o.run.transport.base_url = host;
  if (transport == "fast") {
    o.run.transport.kind = TransportSettings::Kind::kFast;
  } else if (transport != "curl") {
    throw UsageError("--transport: '" + transport + "' is not a transport (curl or fast)");
  }
  o.thresholds = read_thresholds(thresholds, o.config);
  if (o.abort_on_fail && o.thresholds.empty()) {
    throw UsageError("--abort-on-fail needs at least one --threshold");
  }
  o.config_path = config_path;
  if (host.empty() && !o.list && !o.configure) {
    throw UsageError("--host is required, e.g. --host=http://127.0.0.1:8089");
  }
  return o;
}

}  // namespace nest::host
