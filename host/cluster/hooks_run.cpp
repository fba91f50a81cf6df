#include "cluster/hooks_run.h"

#include <chrono>
#include <utility>

#include "stats/aggregator.h"

namespace nest::host {
namespace {

// The hooks' run: no users, one thread, until stopped.
RunSettings hooks_settings(RunSettings run) {
  run.model = LoadModel::kClosed;
  run.users = 0;
  run.spawn_rate = 0;
  run.stages.clear();
  run.run_time.reset();
  run.threads = 1;
  return run;
}

}  // namespace

HooksRun::HooksRun(const std::vector<TasksetType>& tasksets, const RunSettings& run,
                   const std::vector<RunHooksType>& hooks)
    : settings_(hooks_settings(run)) {
  run_ = std::make_unique<Run>(tasksets, settings_, *this);
  run_->set_run_hooks(hooks);
  run_->leave_stop_signals();
}

void HooksRun::on_notice(const std::string& message) {
  std::lock_guard lock(mutex_);
  notices_.push_back(message);
}

std::vector<std::string> HooksRun::take_notices() {
  std::lock_guard lock(mutex_);
  return std::exchange(notices_, {});
}

HooksRun::~HooksRun() { stop(); }

bool HooksRun::on_interval(const IntervalReport& report) {
  std::lock_guard lock(mutex_);
  // A second of the load: the start hooks have all returned. (A run whose start hook threw
  // reports only while it stops.)
  if (!report.stopping && !report.final) begun_ = true;
  changed_.notify_all();
  return false;
}

std::string HooksRun::start(const std::function<bool()>& cancelled) {
  thread_ = std::thread([this] {
    RunOutcome outcome = run_->go();
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
    ended_ = true;
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  while (!begun_ && !ended_) {
    changed_.wait_for(lock, std::chrono::milliseconds(100));
    if (begun_ || ended_) break;
    lock.unlock();
    bool cancel = cancelled();
    lock.lock();
    if (cancel) return "stopped while the run hooks' on_test_start ran";
  }
  if (ended_) return outcome_.ended_by.empty() ? "the run hooks' run ended" : outcome_.ended_by;
  return {};
}

SampleSet HooksRun::stop() {
  if (stopped_ || !thread_.joinable()) return {};
  stopped_ = true;
  run_->stop();  // on_test_stop runs once its (no) users have stopped
  thread_.join();
  return run_->results().aggregator().totals();
}

}  // namespace nest::host
