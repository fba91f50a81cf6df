// What the web UI may do with a run: the only door between the browser and the engine. The
// command that runs the test implements it over Run's control surface (engine/run.h); the web
// server calls it from its own thread, so every method is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nest::host {

// A start, with the form's values over the command line's (none: as configured).
struct WebStart {
  std::optional<std::uint64_t> users;  // closed model
  std::optional<double> spawn_rate;    // closed model, users a second
  std::optional<double> rate;          // open model, arrivals a second
  std::optional<double> run_time_s;    // none: as configured; 0: until stopped
};

// A new aim while it runs: users (and how fast to get there), or an arrival rate.
struct WebTarget {
  std::optional<std::uint64_t> users;
  std::optional<double> spawn_rate;
  std::optional<double> rate;
};

class RunControl {
 public:
  // The whole state as a JSON object: "status" (ready, running, stopping, finished), the
  // model, and "result": everything measured so far as a nest-result document (null before
  // the start).
  virtual std::string state_json() = 0;
  // Each returns an empty string when done, else why not (the request changed nothing).
  virtual std::string start(const WebStart& start) = 0;
  virtual std::string set_target(const WebTarget& target) = 0;
  virtual std::string stop() = 0;

 protected:
  ~RunControl() = default;
};

}  // namespace nest::host
