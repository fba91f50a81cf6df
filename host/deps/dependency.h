// One dependency of a run, as given in `[dependencies]` or with --dependency/--ready: a command
// started before the first user and stopped after the last (deps/dependency_runner.h).
#pragma once

#include <chrono>
#include <string>

namespace nest::host {

struct DependencySpec {
  std::string name;     // [A-Za-z0-9_-]+, unique in a run; names its log file
  std::string command;  // run by /bin/sh -c, in nest-host's working directory
  // "tcp://HOST:PORT" (accepts a connection), "http://..." or "https://..." (answers a GET with
  // 2xx), "log:TEXT" (TEXT appears in its output); empty: ready once started.
  // deps/ready_check.h checks the form.
  std::string ready;
  std::chrono::milliseconds timeout{30000};  // to become ready, from its start
  std::chrono::milliseconds grace{5000};     // from SIGTERM to SIGKILL when stopped
  std::string where;  // where it was given ("nest.ini:12", "--dependency"), for messages
};

}  // namespace nest::host
