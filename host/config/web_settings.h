// Where the web UI listens and who may use it (nest-host --web ...; docs/web-ui.md).
#pragma once

#include <optional>
#include <string>

namespace nest::host {

struct WebSettings {
  bool enabled = false;              // --web
  std::string host = "127.0.0.1";    // --web-host: loopback unless asked
  unsigned short port = 8089;        // --web-port (Locust's); 0: a free one
  std::optional<std::string> auth;   // --web-auth USER:PASSWORD: HTTP Basic, on every request
  bool autostart = false;            // --autostart: start the run as configured at once
  std::optional<double> autoquit_s;  // --autoquit S: exit S seconds after the run ends
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, "localhost"): only those may be
// bound without credentials.
bool is_loopback(const std::string& host);

}  // namespace nest::host
