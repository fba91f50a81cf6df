// The run's dependencies as the INI file and the command line give them:
//
//     [dependencies]
//     stub = python3 -m http.server 9000     ; NAME = COMMAND, started in this order
//     stub.ready = http://127.0.0.1:9000/    ; tcp://HOST:PORT, http(s)://URL (2xx), log:TEXT
//     stub.timeout = 20s                     ; to become ready (default --dependency-timeout)
//     stub.grace = 5s                        ; from SIGTERM to SIGKILL at the end
//
//     --dependency 'stub=python3 -m http.server 9000' --ready 'stub=tcp://127.0.0.1:9000'
//
// The command line wins: a --dependency of a name the file has replaces its command in place,
// and a --ready its check; new names come after the file's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/ini_file.h"
#include "deps/dependency.h"

namespace nest::host {

// Throws UsageError (config/options.h) naming the flag, or the file and line, of what is wrong.
std::vector<DependencySpec> read_dependencies(const std::optional<IniFile>& ini,
                                              const std::vector<std::string>& dependency_flags,
                                              const std::vector<std::string>& ready_flags,
                                              const std::string& default_timeout);

}  // namespace nest::host
