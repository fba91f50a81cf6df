// The web UI's door to a load test (web/run_control.h) over the run nest-host makes: it holds
// the run until the page's Start (unless --autostart), then steers it through Run's control
// surface, and answers the page's state from the run's snapshot. The web server's thread calls
// the RunControl methods; the command's thread calls the others.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "engine/run.h"
#include "web/run_control.h"

namespace nest::host {

class WebRunControl final : public RunControl {
 public:
  // `settings` as configured (command line, INI); `plan`: the run follows a plan of its own
  // (stages, a load shape), so the page cannot set users or rates; `result_json` makes the
  // nest-result document of a run so far.
  WebRunControl(RunSettings settings, bool plan,
                std::function<std::string(const Run&)> result_json);

  std::string state_json() override;
  std::string start(const WebStart& start) override;
  std::string set_target(const WebTarget& target) override;
  std::string stop() override;

  // --- the command's thread ---
  // Blocks until the page's Start; returns the settings with the form's values applied.
  RunSettings wait_for_start();
  // The run has started (`run` lives until finished()).
  void running(Run& run);
  // The run is over: from now on the state shows `result_json`, the final result.
  void finished(std::string result_json);
  // The run is going away without finished() (an exception): the state forgets it.
  void detach();

 private:
  enum class Status { kReady, kRunning, kStopping, kFinished };

  std::mutex mutex_;
  std::condition_variable started_;
  RunSettings settings_;
  bool plan_;
  std::function<std::string(const Run&)> result_json_;
  Status status_ = Status::kReady;
  Run* run_ = nullptr;
  double target_ = 0;  // the aim now: users (closed) or arrivals a second (open)
  std::string final_json_;
};

}  // namespace nest::host
