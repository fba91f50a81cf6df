// What the engine runs: the settings of a run (the tasksets come from plugins/taskset_type.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/transport.h"
#include "plugins/taskset_type.h"

namespace nest::host {

struct RunSettings {
  std::uint64_t users = 1;  // -u: users to reach
  double spawn_rate = 1;    // -r: users started per second, all threads
  // -t: from the first spawn; none = until Ctrl-C
  std::optional<std::chrono::milliseconds> run_time;
  unsigned threads = 1;                       // worker threads
  std::chrono::milliseconds stop_timeout{0};  // time users get to finish their task at stop
  // Bytes of stack per user (virtual; only touched pages are resident).
  std::size_t stack_size = 256 * 1024;
  std::uint64_t seed = 0;  // for the per-worker random generators
  TransportSettings transport;
};

// The transport a taskset's users get: its own choice in code, else the run's --transport.
inline TransportSettings::Kind transport_of(const TasksetType& taskset, const RunSettings& run) {
  switch (taskset.transport) {
    case nest::Transport::kCurl:
      return TransportSettings::Kind::kCurl;
    case nest::Transport::kFast:
      return TransportSettings::Kind::kFast;
    case nest::Transport::kDefault:
      break;
  }
  return run.transport.kind;
}

}  // namespace nest::host
