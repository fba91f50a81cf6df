// The seam between the engine and an HTTP implementation. A Transport belongs to one worker
// thread and makes one Session per user; the engine never knows which transport it has.
#pragma once

#include <nest/http.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "util/byte_size.h"

namespace nest::host {

class Recorder;

// How a transport parks the calling user until its request completes. Implemented by the
// engine's User; all calls happen on the worker thread.
class Fiber {
 public:
  // Suspends the calling user until resume(). Spurious returns are allowed: re-check.
  virtual void suspend() = 0;
  // Makes a suspended user runnable again (from an io_context handler).
  virtual void resume() = 0;
  // Throws nest::UserStopped when the user has been stopped for good and may not start I/O.
  virtual void check_stopped() = 0;

 protected:
  ~Fiber() = default;
};

// One user's HTTP session: cookie jar and connections. Records every request in the worker's
// Recorder, failures included; never throws for network or HTTP errors.
class Session : public nest::Client {
 public:
  // Ends the request in flight, if any: its send() counts it as cut (never as an answer) and
  // throws nest::UserStopped.
  virtual void cancel() = 0;
  // The stats row of the request in flight (Recorder::row), or -1 when there is none.
  virtual int row_in_flight() const = 0;
};

struct TransportSettings {
  enum class Kind { kCurl, kFast };
  Kind kind = Kind::kCurl;                           // --transport
  std::string base_url;                              // --host, no trailing slash
  std::chrono::milliseconds request_timeout{60000};  // default per-request timeout
  bool insecure = false;                             // --insecure: no TLS certificate checks
  int max_redirects = 10;                            // --max-redirects: 0 = do not follow
  // --max-body: a response body (decoded) larger than this is a failure, its bytes are not
  // kept. The most one user's response holds in memory. UINT64_MAX: none.
  std::uint64_t max_body = 10u << 20;
};

// Failure texts both transports give for the same fault, in curl's words where it has them
// (docs/transports.md lists them; Engine.BothTransportsNameTheSameFaultAlike checks them).
inline constexpr const char* kNotHttp1 = "Weird server reply (not an HTTP/1.x response)";
inline constexpr const char* kBadChunks =
    "Failure when receiving data from the peer (bad chunked encoding)";
inline constexpr const char* kPartialFile = "Transferred a partial file";

// The failure of a response body over --max-body, in the same words on every transport.
inline std::string body_over_limit(std::uint64_t limit) {
  return "response body over --max-body (" + describe_byte_size(limit) + ")";
}

// "curl" or "fast", as --transport spells it.
inline const char* transport_name(TransportSettings::Kind kind) {
  return kind == TransportSettings::Kind::kFast ? "fast" : "curl";
}

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::unique_ptr<Session> new_session(Fiber& fiber) = 0;
};

}  // namespace nest::host
