// Runs a load test: starts the workers, spawns users at the spawn rate, stops on time or on
// a signal, and hands one merged interval of samples to the observer every second.
//
// Stop sequence: the first SIGINT/SIGTERM (or the run time) stops gracefully — no new tasks,
// pauses cut short, on_stop runs — and after --stop-timeout what still runs is cancelled
// (the request under way is dropped unrecorded, on_stop still runs). A second signal halts at
// once: the event loops stop where they are and the last interval is still delivered.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/run_plan.h"
#include "stats/sample_set.h"

namespace nest::host {

class RunObserver {
 public:
  // Called on the runner's thread about once a second, and once more at the end (final=true).
  // `elapsed` counts from the first spawn; `spawning` is false once every user was started.
  // Returns true to stop the run as a Ctrl-C would (e.g. a threshold broke for too long).
  virtual bool on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed,
                           bool spawning, bool final) = 0;
  // A message for the person running the test (stop requested, generator overloaded, ...).
  virtual void on_notice(const std::string& message) = 0;

 protected:
  ~RunObserver() = default;
};

struct RunOutcome {
  bool interrupted = false;  // stopped by a signal before the run time ended
  bool halted = false;       // second signal: users were not torn down; exit the process soon
  std::chrono::duration<double> elapsed{0};
};

// Blocks until the test is over. `tasksets` must all have weight > 0 and not be empty.
RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer);

}  // namespace nest::host
