// Starts a run's dependencies in order, each once the one before is ready, and stops them after
// the run (also on errors and Ctrl-C, through the destructor). Each runs in a process group of
// its own, so the terminal's Ctrl-C reaches only nest-host, and stopping reaches the command's
// own children (`sleep 1000 & wait`, a server a script started).
//
// Not thread-safe: one thread calls start() and stop(), and it must outlive the dependencies
// (PR_SET_PDEATHSIG, which sends SIGTERM to a dependency's shell if nest-host dies outright,
// fires when the thread that started it ends): the main thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "deps/dependency.h"

namespace nest::host {

// A dependency that could not be started or made ready, or an interruption while waiting: the
// message is for people, several lines (the last lines of its output), without "nest-host: ".
struct DependencyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Dependencies {
 public:
  // `log_dir`: where each dependency's output goes, as `dependency-NAME.log` (standard output
  // and error together, in order; created anew each run; the folder is created if missing).
  // `env`: added to each dependency's environment, over nest-host's own (NEST_HOST, ...).
  Dependencies(std::string log_dir, std::vector<std::pair<std::string, std::string>> env);
  ~Dependencies();  // stop()
  Dependencies(const Dependencies&) = delete;
  Dependencies& operator=(const Dependencies&) = delete;

  // Checks every spec first (name, unique names, readiness form: nothing starts when one is
  // wrong), then starts each in order: /bin/sh -c COMMAND in its own process group, standard
  // input from /dev/null, output to its log; polls its readiness check every 50 ms until it is
  // ready, exits or times out. `say` gets one line for each as it becomes ready ("stub: ready
  // after 0.4 s (tcp://127.0.0.1:9000)").
  // Throws DependencyError when one exits before it is ready, is not ready within its timeout,
  // cannot be started, or SIGINT/SIGTERM/SIGHUP arrives meanwhile (then the message begins with
  // "interrupted"): every dependency started so far is stopped first. The message names it,
  // where it was given, what happened, and its log's last lines and path.
  // While it waits, SIGINT, SIGTERM and SIGHUP are taken by a handler of its own (unblocked in
  // the calling thread); the previous handlers are restored before it returns, and those
  // signals are left BLOCKED in the calling thread, so one sent between here and the run's own
  // handling stays pending until the Run unblocks them (engine/run.cpp) rather than killing
  // nest-host with the dependencies up.
  void start(const std::vector<DependencySpec>& specs,
             const std::function<void(const std::string&)>& say);

  // Stops all still running, last started first: SIGTERM to its process group, up to its grace
  // for the whole group to end, then SIGKILL to the group; reaps it. A SIGINT/SIGTERM/SIGHUP
  // meanwhile skips the remaining graces (SIGKILL at once). Idempotent; never throws.
  // Returns a line for each that had ended on its own before the stop ("stub exited during the
  // run with status 1", "stub was killed by signal 9 (Killed) during the run"), for the caller
  // to report.
  std::vector<std::string> stop();

  // For a crash path: SIGKILL to every dependency's process group still running, in every
  // Dependencies. Async-signal-safe (kill() over a fixed table); covers the first 64 at once.
  static void kill_all_now() noexcept;

  // The log file of each dependency started, in the order started.
  std::vector<std::string> log_files() const;

 private:
  struct Started {
    DependencySpec spec;
    std::string log_path;
    pid_t pid = -1;        // its shell, the leader of its process group (pgid == pid)
    bool reaped = false;   // its shell was waited for
    int status = 0;        // its wait status, once reaped
    bool stopped = false;  // stop() is done with it
  };

  void launch(const DependencySpec& spec);
  void wait_ready(Started& dependency, const std::function<void(const std::string&)>& say);
  [[noreturn]] void fail(const Started& dependency, const std::string& what);
  void stop_one(Started& dependency, bool hurry);

  std::string log_dir_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::vector<Started> started_;
};

}  // namespace nest::host
