// nest-host --processes N: the N `nest-host --worker` processes this one (their master)
// starts on this machine, each with its share of the threads, the run's settings, and
// NEST_WORKER_INDEX (0..N-1) in its environment. Their standard output is dropped (the master
// reports); their standard error is the master's.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "config/options.h"

namespace nest::host {

class WorkerProcesses {
 public:
  // Starts them, dialling `master_url`. Throws std::runtime_error when one cannot be started.
  WorkerProcesses(const Options& options, const std::string& master_url);
  ~WorkerProcesses();  // wait()
  WorkerProcesses(const WorkerProcesses&) = delete;
  WorkerProcesses& operator=(const WorkerProcesses&) = delete;

  // Waits for each to end (SIGKILL after 15 s); returns a line for each that ended badly
  // ("process 2 (pid 4711) was killed by signal 11"). Once.
  std::vector<std::string> wait();
  // Without waiting: the first that has ended, however ("process 2 (pid 4711) exited with
  // status 2"), or empty while all run.
  std::string first_ended();

 private:
  // "process 2 (pid 4711) exited with status 2"; empty for a clean exit unless `always`.
  std::string describe(std::size_t i, bool always) const;
  std::vector<pid_t> pids_;
  std::vector<int> statuses_;   // each one's wait status, once reaped
  std::vector<bool> reaped_;
  std::string config_;  // an empty INI file for them: the master's is the master's
};

}  // namespace nest::host
