// nest-host --worker: joins a master (nest-host --master), takes its share of the plan, runs
// it here with this machine's plugins (the master's weights), and reports its state once a
// second and at the end. A stop from the master stops the run as Ctrl-C would; Ctrl-C here
// stops this worker's run alone. A master silent for 5 s (its heartbeats come once a second)
// is gone: the worker stops its run, says so, prints its own count, writes its own results
// (write_own_results) and exits 1. Given --json, a worker writes its own result at every end.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cluster/cluster_key.h"
#include "engine/run.h"

namespace nest::host {

struct WorkerNodeSettings {
  std::string master = "tcp://127.0.0.1:5557";  // --master-host, --master-port
  std::chrono::milliseconds join_timeout{60000};  // for the master's answer (a plan or a refusal)
  std::optional<ClusterKey> key;  // --cluster-key: the master's
  // Called when the master went silent and the run stopped (`master_gone`: the master will
  // never have its last seconds), or at the end of every run with `write_always` (the worker's
  // --json): writes what this worker measured where it is. `run`: the settings the worker ran
  // with (the plan's share), for the result to describe.
  std::function<void(const LiveResults&, const RunOutcome&, const RunSettings& run,
                     bool master_gone)>
      write_own_results;
  bool write_always = false;
};

// Joins, runs, reports. `tasksets`: every taskset found here (the plan's weights pick those
// taking part); `run`: this machine's settings (threads, timeouts, transport), to which the
// plan adds the host, users, spawn rate, run time and seed. Returns the exit code: 0 when the
// run went and reported, 1 when the master refused it, never answered, or went silent (said
// on stderr).
int run_worker_node(const WorkerNodeSettings& settings, std::vector<TasksetType> tasksets,
                    RunSettings run);

}  // namespace nest::host
