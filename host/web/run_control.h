// What the web UI may do with a run: the only door between the browser and the engine. The
// command that runs the test implements it over Run's control surface (engine/run.h); the web
// server calls it from its own thread, so every method is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace nest::host {

// A start, with the form's values over the command line's (none: as configured).
struct WebStart {
  std::optional<std::uint64_t> users;  // closed model
  std::optional<double> spawn_rate;    // closed model, users a second
  std::optional<double> rate;          // open model, arrivals a second
  std::optional<double> run_time_s;    // none: as configured; 0: until stopped
  std::optional<std::string> host;     // the system under test, as --host
  // A plan of stages, as --stages (or --rate-stages) takes it, instead of users or a rate.
  std::optional<std::string> stages;
  // New weights for this run, by taskset name (the others keep theirs; 0 leaves one out).
  std::map<std::string, std::uint64_t> weights;
};

// A new aim while it runs: users (and how fast to get there), or an arrival rate.
struct WebTarget {
  std::optional<std::uint64_t> users;
  std::optional<double> spawn_rate;
  std::optional<double> rate;
};

// A file of the run so far (or finished), for the page's Downloads.
struct WebFile {
  std::string filename;      // what the browser saves it as: "nest_stats.csv"
  std::string content_type;  // "text/csv; charset=utf-8"
  std::string body;
};

class RunControl {
 public:
  // The whole state as a JSON object (docs/web-ui.md): "status" (ready, running, stopping,
  // finished), the model and load, the tasksets with their weights and live users, the logs,
  // the downloads, and "result": everything measured so far as a nest-result document (null
  // before the start).
  virtual std::string state_json() = 0;
  // Each returns an empty string when done, else why not (the request changed nothing).
  virtual std::string start(const WebStart& start) = 0;
  virtual std::string set_target(const WebTarget& target) = 0;
  virtual std::string stop() = 0;
  virtual std::string reset_stats() = 0;
  // One of the state's downloads by name ("stats.csv"); none when there is no such file, or
  // nothing measured yet.
  virtual std::optional<WebFile> download(const std::string& name) = 0;

 protected:
  ~RunControl() = default;
};

}  // namespace nest::host
