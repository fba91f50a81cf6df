#include "commands/web_run_control.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace nest::host {
namespace json = boost::json;

namespace {

const char* status_name(int status) {
  static const char* kNames[] = {"ready", "running", "stopping", "finished"};
  return kNames[status];
}

std::string users_text(std::uint64_t users) {
  return std::to_string(users) + (users == 1 ? " user" : " users");
}

}  // namespace

WebRunControl::WebRunControl(RunSettings settings, bool plan,
                             std::function<std::string(const Run&)> result_json)
    : settings_(std::move(settings)), plan_(plan), result_json_(std::move(result_json)) {
  bool open = settings_.model == LoadModel::kOpen;
  target_ = open ? settings_.arrival_rate : static_cast<double>(settings_.users);
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
                     {"plan", plan_}};
  state["run_time_s"] = settings_.run_time
                            ? json::value(static_cast<double>(settings_.run_time->count()) / 1000)
                            : json::value(nullptr);
  std::string result = run_ ? result_json_(*run_) : final_json_.empty() ? "null" : final_json_;
  while (!result.empty() && result.back() == '\n') result.pop_back();
  std::string text = json::serialize(state);
  text.pop_back();  // the object's closing brace: the result document goes in as it is
  return text + ",\"result\":" + result + "}";
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
  if (plan_ && (start.users || start.spawn_rate || start.rate || start.run_time_s)) {
    return "this run follows its plan (stages or a load shape): it sets the load and the time";
  }
  if (start.run_time_s && *start.run_time_s != 0 &&
      !(*start.run_time_s >= 1 && *start.run_time_s <= 1e7)) {
    return "run_time_s must be 0 (until stopped) or from 1 to 10,000,000 seconds";
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
    char mark[64];
    std::snprintf(mark, sizeof mark, "web UI: %g/s", *target.rate);
    run_->set_target(ArrivalTarget{*target.rate, {}}, mark);
    return {};
  }
  if (target.rate) return "this run is closed (users): give users";
  if (!target.users) return "give users";
  double spawn_rate = target.spawn_rate.value_or(settings_.spawn_rate);
  if (spawn_rate <= 0) return "spawn_rate must be more than 0";
  target_ = static_cast<double>(*target.users);
  run_->set_target(UsersTarget{*target.users, spawn_rate}, "web UI: " + users_text(*target.users));
  return {};
}

std::string WebRunControl::stop() {
  std::lock_guard lock(mutex_);
  if (status_ != Status::kRunning || !run_ || run_->is_stopping()) return "no run is running";
  status_ = Status::kStopping;
  run_->stop();
  return {};
}

RunSettings WebRunControl::wait_for_start() {
  std::unique_lock lock(mutex_);
  started_.wait(lock, [this] { return status_ != Status::kReady; });
  return settings_;
}

void WebRunControl::running(Run& run) {
  std::lock_guard lock(mutex_);
  if (status_ == Status::kReady) status_ = Status::kRunning;  // --autostart
  run_ = &run;
}

void WebRunControl::detach() {
  std::lock_guard lock(mutex_);
  run_ = nullptr;
}

void WebRunControl::finished(std::string result_json) {
  std::lock_guard lock(mutex_);
  run_ = nullptr;
  final_json_ = std::move(result_json);
  status_ = Status::kFinished;
}

}  // namespace nest::host
