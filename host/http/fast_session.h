// One user's session on the fast transport: its connection (fast_connection.h), cookie jar and
// request bytes. It sends each request in HTTP/1.1 (http1_codec.h), follows redirects
// (redirect_follower.h), keeps cookies, decodes bodies, and watches its deadline; what every
// protocol does alike is SessionCore's. Internal to the fast transport (fast_transport.h says
// how it works).
#pragma once

#include <chrono>
#include <string>

#include "http/cookie_jar.h"
#include "http/fast_connection.h"
#include "http/redirect_follower.h"
#include "http/session_core.h"

namespace nest::host {

class FastTransport;

class FastSession final : public SessionCore {
 public:
  FastSession(FastTransport& transport, Fiber& fiber);

  void cancel() override;

  // --- for FastTransport's deadline watch ---
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  bool expired() const { return timed_out_; }
  void expire();  // the request under way ends as timed out
  FastSession* watch_prev = nullptr;
  FastSession* watch_next = nullptr;

 private:
  Ending exchange(const nest::Request& request, std::chrono::milliseconds timeout,
                  nest::Response& response) override;
  // The request and its redirects; returns the failure, or empty.
  std::string perform(const nest::Request& request, nest::Response& response,
                      std::chrono::microseconds& elapsed);
  // One request of the chain on this user's connection, reconnecting once when a kept-alive
  // connection turns out closed before any byte of the response came back.
  std::string round_trip(const Hop& hop, const nest::Request& request, nest::Response& response,
                         std::chrono::microseconds& elapsed);
  // After a response: its Set-Cookie headers into the jar; its body decoded when the task asked
  // for compression (Accept-Encoding), as curl does with CURLOPT_ACCEPT_ENCODING.
  std::string take_in(const Hop& hop, const nest::Request& request, nest::Response& response);

  FastTransport& transport_;
  FastConnection connection_;
  CookieJar jar_;
  std::string out_;  // the request's bytes, rebuilt in place
  std::chrono::steady_clock::time_point deadline_;
  bool in_flight_ = false;
  bool aborted_ = false;    // cancel(): the request ends unrecorded
  bool timed_out_ = false;  // expire(): the request ends as timed out
};

}  // namespace nest::host
