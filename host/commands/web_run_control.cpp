#include "commands/web_run_control.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/load_plan.h"
#include "config/options.h"
#include "report/csv_report.h"
#include "report/html_report.h"
#include "report/result_json.h"
#include "stats/aggregator.h"

namespace nest::host {
namespace json = boost::json;

namespace {

constexpr std::uint64_t kMaxWeight = 1000000;

const char* status_name(int status) {
  static const char* kNames[] = {"ready", "running", "stopping", "finished"};
  return kNames[status];
}

std::string users_text(std::uint64_t users) {
  return std::to_string(users) + (users == 1 ? " user" : " users");
}

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

struct DownloadKind {
  const char* name;
  const char* title;
  const char* filename;
  const char* content_type;
};

// What the page offers, in its order; the history only when the run writes --csv.
constexpr DownloadKind kDownloads[] = {
    {"result.json", "Result (JSON: every figure and histogram; nest-host report and compare read it)",
     "nest_result.json", "application/json"},
    {"report.html", "Report (HTML, self-contained)", "nest_report.html", "text/html; charset=utf-8"},
    {"stats.csv", "Statistics (CSV, Locust's columns)", "nest_stats.csv", "text/csv; charset=utf-8"},
    {"failures.csv", "Failures (CSV)", "nest_failures.csv", "text/csv; charset=utf-8"},
    {"exceptions.csv", "Exceptions (CSV)", "nest_exceptions.csv", "text/csv; charset=utf-8"},
    {"stats_history.csv", "Statistics history (CSV, a row a second, from --csv)",
     "nest_stats_history.csv", "text/csv; charset=utf-8"},
};

// Stages as --stages takes them: "30s:10, 1m:10" (arrivals: "30s:5/s, ...").
std::string stages_text(const std::vector<Stage>& stages, bool open) {
  std::string text;
  for (const auto& s : stages) {
    text += (text.empty() ? "" : ", ") + number_text(static_cast<double>(s.duration.count()) / 1000) +
            "s:" + number_text(s.target) + (open ? "/s" : "");
  }
  return text;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

WebRunControl::WebRunControl(RunSettings settings, std::vector<TasksetShare> tasksets,
                             std::string shape,
                             std::function<RunResult(const SteeredRun&)> result_so_far,
                             std::string history_csv,
                             std::function<std::string(const std::vector<TasksetShare>&)> check)
    : settings_(std::move(settings)),
      tasksets_(std::move(tasksets)),
      shape_(std::move(shape)),
      plan_(!settings_.stages.empty() || !shape_.empty()),
      result_so_far_(std::move(result_so_far)),
      history_csv_(std::move(history_csv)),
      check_tasksets_(std::move(check)) {
  bool open = settings_.model == LoadModel::kOpen;
  target_ = open ? settings_.arrival_rate : static_cast<double>(settings_.users);
}

std::optional<RunResult> WebRunControl::result_locked() {
  if (run_) return result_so_far_(*run_);
  return final_;
}

std::string WebRunControl::state_json() {
  std::lock_guard lock(mutex_);
  bool open = settings_.model == LoadModel::kOpen;
  Status status = status_;
  if (status == Status::kRunning && run_ && run_->is_stopping()) status = Status::kStopping;
  json::object state{{"status", status_name(static_cast<int>(status))},
                     {"model", open ? "open" : "closed"},
                     {"host", settings_.transport.base_url},
                     {"users", settings_.users},
                     {"spawn_rate", settings_.spawn_rate},
                     {"rate", settings_.arrival_rate},
                     {"target", target_},
                     {"plan", plan_},
                     {"stages", stages_text(settings_.stages, open)},
                     {"shape", shape_}};
  state["run_time_s"] = settings_.run_time
                            ? json::value(static_cast<double>(settings_.run_time->count()) / 1000)
                            : json::value(nullptr);
  std::map<std::string, std::uint64_t> visiting;
  if (run_) visiting = run_->results().visiting();
  json::array tasksets;
  for (const auto& t : tasksets_) {
    auto users = visiting.find(t.name);
    tasksets.push_back(json::object{{"name", t.name},
                                    {"weight", t.weight},
                                    {"source", t.source},
                                    {"transport", t.transport},
                                    {"plugin", t.plugin},
                                    {"fixed_count", t.fixed_count},
                                    {"users", users == visiting.end() ? 0 : users->second}});
  }
  state["tasksets"] = std::move(tasksets);
  json::array logs;
  for (const auto& line : logs_) {
    logs.push_back(json::object{{"t", line.t ? json::value(*line.t) : json::value(nullptr)},
                                {"level", line.level},
                                {"text", line.text}});
  }
  state["logs"] = std::move(logs);
  state["logs_dropped"] = logs_dropped_;
  std::optional<RunResult> result = result_locked();
  json::array downloads;
  for (const auto& d : kDownloads) {
    if (!result || (std::string_view(d.name) == "stats_history.csv" && history_csv_.empty())) {
      continue;
    }
    downloads.push_back(json::object{{"name", d.name}, {"title", d.title}});
  }
  state["downloads"] = std::move(downloads);
  std::string document = result ? result_to_json(*result) : "null";
  while (!document.empty() && document.back() == '\n') document.pop_back();
  std::string text = json::serialize(state);
  text.pop_back();  // the object's closing brace: the result document goes in as it is
  return text + ",\"result\":" + document + "}";
}

std::string WebRunControl::start(const WebStart& start) {
  std::lock_guard lock(mutex_);
  if (status_ != Status::kReady) return "the run has started already";
  bool open = settings_.model == LoadModel::kOpen;
  if (open && (start.users || start.spawn_rate)) {
    return "users and spawn_rate are the closed model's; this run is open (arrivals): give rate";
  }
  if (!open && start.rate) {
    return "rate is the open model's (--arrival-rate); this run is closed (users): give users";
  }
  if (start.users && *start.users == 0) return "users must be at least 1";
  if (start.spawn_rate && *start.spawn_rate <= 0) return "spawn_rate must be more than 0";
  if (start.rate && *start.rate <= 0) return "rate must be more than 0";
  std::vector<Stage> stages;
  if (start.stages && !start.stages->empty()) {
    if (!shape_.empty()) return "this run follows the load shape " + shape_ + ": it sets the load";
    if (start.users || start.spawn_rate || start.rate || start.run_time_s) {
      return "stages set the load and the time: give them alone (without users, rate or run time)";
    }
    try {
      stages = parse_stages(*start.stages, open, "stages");
    } catch (const std::exception& e) {
      return e.what();
    }
  } else if (plan_ && (start.users || start.spawn_rate || start.rate || start.run_time_s)) {
    return "this run follows its plan (stages or a load shape): it sets the load and the time";
  }
  if (start.run_time_s && *start.run_time_s != 0 &&
      !(*start.run_time_s >= 1 && *start.run_time_s <= 1e7)) {
    return "run_time_s must be 0 (until stopped) or from 1 to 10,000,000 seconds";
  }
  std::string host = start.host.value_or(settings_.transport.base_url);
  if (std::string problem = check_host(host); !problem.empty()) return "host: " + problem;
  if (host.empty()) return "host: give the system under test's address, e.g. http://127.0.0.1:8080";
  std::vector<TasksetShare> tasksets = tasksets_;
  for (const auto& [name, weight] : start.weights) {
    auto it = std::find_if(tasksets.begin(), tasksets.end(),
                           [&](const TasksetShare& t) { return t.name == name; });
    if (it == tasksets.end()) return "weights: no taskset is named '" + name + "'";
    if (weight > kMaxWeight) return "weights: " + name + "'s weight is above 1,000,000";
    if (static_cast<std::uint64_t>(it->weight) != weight) {
      it->weight = static_cast<int>(weight);
      it->source = "web UI";
    }
  }
  if (std::none_of(tasksets.begin(), tasksets.end(),
                   [](const TasksetShare& t) { return t.weight > 0; })) {
    return "weights: at least one taskset needs a weight above 0";
  }
  if (std::string problem = check_tasksets_ ? check_tasksets_(tasksets) : "";
      !problem.empty()) {
    return "weights: " + problem;
  }
  tasksets_ = std::move(tasksets);
  settings_.transport.base_url = host;
  if (!stages.empty()) {
    settings_.stages = std::move(stages);
    settings_.run_time.reset();  // the stages' end ends the run
    plan_ = true;
  }
  if (start.users) settings_.users = *start.users;
  if (start.spawn_rate) settings_.spawn_rate = *start.spawn_rate;
  if (start.rate) settings_.arrival_rate = *start.rate;
  if (start.run_time_s) {
    if (*start.run_time_s == 0) {
      settings_.run_time.reset();
    } else {
      settings_.run_time = std::chrono::milliseconds(std::llround(*start.run_time_s * 1000));
    }
  }
  target_ = open ? settings_.arrival_rate : static_cast<double>(settings_.users);
  status_ = Status::kRunning;
  started_.notify_all();
  log_locked("info", std::string("started from the web UI against ") + host + ": " +
                         (plan_   ? (shape_.empty() ? "stages " + stages_text(settings_.stages, open)
                                                        : "the load shape " + shape_)
                          : open  ? number_text(settings_.arrival_rate) + " arrivals/s"
                                  : users_text(settings_.users) + " at " +
                                       number_text(settings_.spawn_rate) + "/s"));
  return {};
}

std::string WebRunControl::set_target(const WebTarget& target) {
  std::lock_guard lock(mutex_);
  if (status_ != Status::kRunning || !run_ || run_->is_stopping()) return "no run is running";
  if (plan_) return "this run follows its plan (stages or a load shape): it sets the load";
  if (settings_.model == LoadModel::kOpen) {
    if (target.users || target.spawn_rate) return "this run is open (arrivals): give rate";
    if (!target.rate) return "give rate: arrivals a second";
    target_ = *target.rate;
    std::string mark = "web UI: " + number_text(*target.rate) + "/s";
    run_->set_target(ArrivalTarget{*target.rate, {}}, mark);
    log_locked("info", mark);
    return {};
  }
  if (target.rate) return "this run is closed (users): give users";
  if (!target.users) return "give users";
  double spawn_rate = target.spawn_rate.value_or(settings_.spawn_rate);
  if (spawn_rate <= 0) return "spawn_rate must be more than 0";
  target_ = static_cast<double>(*target.users);
  std::string mark = "web UI: " + users_text(*target.users);
  run_->set_target(UsersTarget{*target.users, spawn_rate}, mark);
  log_locked("info", mark + " at " + number_text(spawn_rate) + "/s");
  return {};
}

std::string WebRunControl::stop() {
  std::lock_guard lock(mutex_);
  if (status_ != Status::kRunning || !run_ || run_->is_stopping()) return "no run is running";
  status_ = Status::kStopping;
  run_->stop();
  log_locked("info", "stopped from the web UI");
  return {};
}

std::string WebRunControl::reset_stats() {
  std::lock_guard lock(mutex_);
  if (status_ != Status::kRunning || !run_ || run_->is_stopping()) return "no run is running";
  run_->reset_stats("statistics reset (web UI)");  // the run says when it is done (notice)
  return {};
}

std::optional<WebFile> WebRunControl::download(const std::string& name) {
  const DownloadKind* kind = nullptr;
  for (const auto& d : kDownloads) {
    if (name == d.name) kind = &d;
  }
  if (!kind) return std::nullopt;
  std::optional<RunResult> result;
  std::string history;
  {
    std::lock_guard lock(mutex_);
    result = result_locked();
    history = history_csv_;
  }
  if (!result) return std::nullopt;
  WebFile file{kind->filename, kind->content_type, {}};
  if (name == "result.json") {
    file.body = result_to_json(*result);
  } else if (name == "report.html") {
    file.body = render_result_html(*result);
  } else if (name == "stats_history.csv") {
    if (history.empty()) return std::nullopt;
    file.body = read_whole(history);
  } else {
    Summary summary = summarize_totals(result->totals, result->total, result->info.measured_s());
    file.body = name == "stats.csv"      ? stats_csv(summary)
                : name == "failures.csv" ? failures_csv(summary)
                                         : exceptions_csv(summary);
  }
  return file;
}

void WebRunControl::log(const std::string& level, const std::string& text) {
  std::lock_guard lock(mutex_);
  log_locked(level, text);
}

void WebRunControl::log_locked(const std::string& level, const std::string& text) {
  std::optional<double> t;
  if (started_at_) {
    t = std::chrono::duration<double>(std::chrono::steady_clock::now() - *started_at_).count();
  }
  logs_.push_back({t, level, text});
  if (logs_.size() > kMaxLogLines) {
    logs_.pop_front();
    ++logs_dropped_;
  }
}

RunSettings WebRunControl::wait_for_start() {
  std::unique_lock lock(mutex_);
  started_.wait(lock, [this] { return status_ != Status::kReady; });
  return settings_;
}

std::vector<TasksetShare> WebRunControl::tasksets() {
  std::lock_guard lock(mutex_);
  return tasksets_;
}

void WebRunControl::set_tasksets(std::vector<TasksetShare> tasksets) {
  std::lock_guard lock(mutex_);
  tasksets_ = std::move(tasksets);
}

void WebRunControl::notice(const std::string& text) {
  bool news = text.starts_with("stopping") || text.starts_with("statistics reset");
  log(news ? "info" : "warning", text);
}

void WebRunControl::running(SteeredRun& run) {
  std::lock_guard lock(mutex_);
  if (status_ == Status::kReady) status_ = Status::kRunning;  // --autostart
  run_ = &run;
  started_at_ = std::chrono::steady_clock::now();
}

void WebRunControl::detach() {
  std::lock_guard lock(mutex_);
  run_ = nullptr;
}

void WebRunControl::finished(RunResult result) {
  std::lock_guard lock(mutex_);
  run_ = nullptr;
  final_ = std::move(result);
  status_ = Status::kFinished;
  log_locked("info", "the run is over");
}

}  // namespace nest::host
