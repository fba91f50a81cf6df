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

// How load is made. Closed: a number of users, each running tasksets one after another, so
// new requests wait for answers (Locust's model). Open: sessions arrive on a schedule of their
// own, whatever the system's answers (k6's arrival-rate executors); docs/load-shapes.md.
enum class LoadModel { kClosed, kOpen };

// When open-model sessions arrive under a rate: evenly spaced, or with exponential gaps.
enum class Arrivals { kConstant, kPoisson };

// One stage of a plan (k6's stages): over `duration`, move linearly from where the previous
// stage ended (0 before the first) to `target`: users (closed) or arrivals per second (open).
struct Stage {
  std::chrono::milliseconds duration{0};
  double target = 0;
  bool operator==(const Stage&) const = default;
};

struct RunSettings {
  LoadModel model = LoadModel::kClosed;
  std::uint64_t users = 1;                  // -u: users to reach (closed)
  double spawn_rate = 1;                    // -r: users started per second, all threads (closed)
  double arrival_rate = 0;                  // --arrival-rate: sessions per second (open)
  Arrivals arrivals = Arrivals::kConstant;  // --arrivals (open)
  // --max-users (open): sessions running at once at most; an arrival beyond it is dropped
  // and counted. None: no cap.
  std::optional<std::uint64_t> max_users;
  // --stages / --rate-stages: the plan, instead of users and spawn rate (closed) or arrival
  // rate (open); the run ends with its last stage.
  std::vector<Stage> stages;
  // -t: from the first spawn; none = until Ctrl-C (or the end of the stages)
  std::optional<std::chrono::milliseconds> run_time;
  unsigned threads = 1;                       // worker threads
  std::chrono::milliseconds stop_timeout{0};  // time users get to finish their task at stop
  // After the stop timeout no request starts; those on the wire get this long to be answered
  // and recorded (a removed user's too). What is still unanswered then is cut and counted.
  std::chrono::milliseconds drain_timeout{5000};
  // Bytes of stack per user (virtual; only touched pages are resident).
  std::size_t stack_size = 256 * 1024;
  std::uint64_t seed = 0;  // for the per-worker random generators
  TransportSettings transport;
  // --tags: only tasks with one of these tags run (empty: every task); --exclude-tags: tasks
  // with one of these never run.
  std::vector<std::string> tags, exclude_tags;
};

// Whether a task with `task_tags` runs under the run's --tags and --exclude-tags.
inline bool task_selected(const std::vector<std::string>& task_tags, const RunSettings& run) {
  auto any_in = [&](const std::vector<std::string>& set) {
    for (const auto& tag : task_tags) {
      for (const auto& s : set) {
        if (tag == s) return true;
      }
    }
    return false;
  };
  if (!run.tags.empty() && !any_in(run.tags)) return false;
  return !any_in(run.exclude_tags);
}

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
