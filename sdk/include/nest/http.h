// nest/http.h — the HTTP client a taskset uses: client().get("/items").
//
// Every call suspends only the calling user; the thread serves other users meanwhile. Calls
// never throw for HTTP or network trouble: a refused connection, a reset, a timeout or a
// name that does not resolve comes back as a Response with status 0 and `error` set, and is
// counted as a failure in the stats. A 4xx/5xx status is a failure too, unless the task
// decides otherwise with catch_response (below).
//
// Thread-safety: a Client belongs to one user; use it only from that user's tasks and hooks.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nest/detail/host_hooks.h"

namespace nest {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Per-request options. Use designated initializers: client().get("/a", {.name = "/a/[id]"}).
struct Options {
  Headers headers{};                     // sent in addition to the transport's own headers
  Headers query{};                       // appended to the path as ?k=v&..., URL-encoded
  std::chrono::milliseconds timeout{0};  // whole request; 0 = nest-host's --request-timeout
  std::string name{};                    // stats row; default: the path as given (with its query)
  bool catch_response = false;           // the task decides success/failure, see Response
};

struct Request {
  std::string method = "GET";
  std::string path{};  // "/items?id=1" (joined to --host) or a full "http://..." URL
  std::string body{};
  Options options{};
};

// What came back. Move-only. With Options::catch_response the result is recorded when the
// Response is destroyed (like leaving Locust's `with ... as response:` block) and the task may
// call success() or failure() before that; without it the result was already recorded and
// those calls do nothing. A Response must not outlive the task or hook that received it.
class Response {
 public:
  int status = 0;                        // HTTP status; 0 when no response arrived
  std::string body;                      // the decoded body
  Headers headers;                       // response headers in arrival order
  std::chrono::microseconds elapsed{0};  // from sending the request to the last byte read
  std::string error;                     // transport error text; empty when a response arrived

  // True when a response arrived with a status below 400.
  bool ok() const { return error.empty() && status > 0 && status < 400; }
  // The first header of that name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;

  // With catch_response: mark this request failed with `message` / succeeded whatever its status.
  void failure(std::string message);
  void success();

  Response() = default;
  Response(Response&& other) noexcept;
  Response& operator=(Response&& other) noexcept;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response();

 private:
  friend struct detail::ResponseAccess;
  friend struct detail::AbiLayout;
  void finish() noexcept;  // fires the host's hooks (recording, storage reuse), once
  detail::ResponseControl control_;
};

// The per-user HTTP session: its own cookie jar; keep-alive connections are reused.
class Client {
 public:
  virtual ~Client() = default;

  // The one virtual: everything else is shorthand for it.
  virtual Response send(const Request& request) = 0;

  Response get(std::string path, Options options = {}) {
    return send({"GET", std::move(path), {}, std::move(options)});
  }
  Response head(std::string path, Options options = {}) {
    return send({"HEAD", std::move(path), {}, std::move(options)});
  }
  Response del(std::string path, Options options = {}) {
    return send({"DELETE", std::move(path), {}, std::move(options)});
  }
  Response post(std::string path, std::string body = {}, Options options = {}) {
    return send({"POST", std::move(path), std::move(body), std::move(options)});
  }
  Response put(std::string path, std::string body = {}, Options options = {}) {
    return send({"PUT", std::move(path), std::move(body), std::move(options)});
  }
  Response patch(std::string path, std::string body = {}, Options options = {}) {
    return send({"PATCH", std::move(path), std::move(body), std::move(options)});
  }
  Response request(std::string method, std::string path, std::string body = {},
                   Options options = {}) {
    return send({std::move(method), std::move(path), std::move(body), std::move(options)});
  }
};

// ---- inline definitions (header-only SDK) ----

inline std::string_view Response::header(std::string_view name) const {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) same = lower(key[i]) == lower(name[i]);
    if (same) return value;
  }
  return {};
}

inline void Response::failure(std::string message) {
  control_.verdict = detail::ResponseControl::Verdict::kFailure;
  control_.failure_message = std::move(message);
}
inline void Response::success() { control_.verdict = detail::ResponseControl::Verdict::kSuccess; }

inline Response::Response(Response&& o) noexcept
    : status(o.status),
      body(std::move(o.body)),
      headers(std::move(o.headers)),
      elapsed(o.elapsed),
      error(std::move(o.error)),
      control_(std::move(o.control_)) {}

inline Response& Response::operator=(Response&& o) noexcept {
  if (this != &o) {
    finish();
    status = o.status;
    body = std::move(o.body);
    headers = std::move(o.headers);
    elapsed = o.elapsed;
    error = std::move(o.error);
    control_ = std::move(o.control_);
  }
  return *this;
}

inline Response::~Response() { finish(); }

inline void Response::finish() noexcept {
  if (auto* sink = std::exchange(control_.sink, nullptr)) sink->record_deferred(*this);
  if (auto* recycler = std::exchange(control_.recycler, nullptr)) recycler->recycle(*this);
}

namespace detail {
inline ResponseControl& ResponseAccess::control(Response& response) { return response.control_; }
inline const ResponseControl& ResponseAccess::control(const Response& response) {
  return response.control_;
}
}  // namespace detail

}  // namespace nest
