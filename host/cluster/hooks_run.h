// The run hooks (nest/run_hooks.h) of a distributed run, once per run, on the master: a Run of
// no users whose only work is the hooks, on a thread of its own, so their on_test_start runs
// before any worker gets its plan and their on_test_stop after every worker's last report, with
// an HTTP session as in one process. Their requests count in the merged totals.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/run.h"

namespace nest::host {

class HooksRun final : public RunObserver {
 public:
  // `tasksets` (the run's), `run` (its settings: host, transport, timeouts) and `hooks` must
  // outlive it. The stop signals stay the master's (Run::leave_stop_signals).
  HooksRun(const std::vector<TasksetType>& tasksets, const RunSettings& run,
           const std::vector<RunHooksType>& hooks);
  ~HooksRun();  // stop(), if not done

  // Starts the hooks' run and waits for every on_test_start, or for `cancelled` to answer true
  // (asked every 100 ms). Returns why the run must not go on (a hook threw, or cancelled), or
  // empty.
  std::string start(const std::function<bool()>& cancelled);
  // Every on_test_stop (at most Run::kStopHooksLimit), then the hooks' run ends. Returns what
  // the hooks' requests measured. Once; later calls return nothing.
  SampleSet stop();

  bool on_interval(const IntervalReport& report) override;
  void on_notice(const std::string& message) override;
  // What the hooks' run said since the last call (its thread is not the master's: the master
  // hands these to its observer on its own thread).
  std::vector<std::string> take_notices();

 private:
  RunSettings settings_;
  std::vector<std::string> notices_;
  std::unique_ptr<Run> run_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool begun_ = false;  // the load began: every on_test_start returned
  bool ended_ = false;  // go() returned
  bool stopped_ = false;
  RunOutcome outcome_;
};

}  // namespace nest::host
