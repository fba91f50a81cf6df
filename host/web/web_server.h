// The web UI's server (Boost.Beast): the live page, the run's state as JSON and as a stream of
// Server-Sent Events once a second, and the POSTs that start, steer and stop the run through a
// RunControl (web/run_control.h). It serves on a thread of its own.
//
// Security: it binds loopback unless told otherwise, and a wider address needs --web-auth (the
// caller checks). With credentials, every request needs them (HTTP Basic; 401 otherwise). A
// POST must carry the per-process token the page holds (X-Nest-Token) and, when the browser
// sends an Origin, come from the page's own origin: another site open in the same browser can
// neither read the token nor send it, so it cannot start or stop a run. Every string the page
// shows is inserted as text (report.js), never as HTML.
#pragma once

#include <memory>
#include <string>

#include "web/run_control.h"
#include "config/web_settings.h"

namespace nest::host {

class WebServer {
 public:
  // Binds `settings.host`:`settings.port` and starts serving. Throws std::runtime_error naming
  // the address when it cannot listen. `control` must outlive the server.
  WebServer(const WebSettings& settings, RunControl& control);
  ~WebServer();  // stops serving (open streams end) and joins the thread
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // "http://127.0.0.1:8089" (the port it got, when asked for 0).
  std::string url() const;
  // The per-process token a POST must carry.
  const std::string& token() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nest::host
