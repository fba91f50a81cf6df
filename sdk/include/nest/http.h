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

namespace nest {

using Headers = std::vector<std::pair<std::string, std::string>>;

namespace detail {
class ResponseSink;
class ResponseRecycler;
}

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
  int status = 0;                     // HTTP status; 0 when no response arrived
  std::string body;                   // the decoded body
  Headers headers;                    // response headers in arrival order
  std::chrono::microseconds elapsed{0};  // from sending the request to the last byte read
  std::string error;                  // transport error text; empty when a response arrived

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

  // --- for the host ---
  // Defers recording to `sink` until destruction (catch_response); `row` is the host's stats row.
  void defer_to(detail::ResponseSink* sink, unsigned row) { sink_ = sink; row_ = row; }
  unsigned deferred_row() const { return row_; }
  // On destruction, hands the body's and headers' storage to `recycler` for the next Response.
  void recycle_with(detail::ResponseRecycler* recycler) { recycler_ = recycler; }
  bool marked_failed() const { return verdict_ == Verdict::kFailure; }
  bool marked_succeeded() const { return verdict_ == Verdict::kSuccess; }
  const std::string& failure_message() const { return failure_message_; }

 private:
  enum class Verdict { kUndecided, kSuccess, kFailure };
  void finish() noexcept;
  detail::ResponseSink* sink_ = nullptr;
  detail::ResponseRecycler* recycler_ = nullptr;
  unsigned row_ = 0;
  Verdict verdict_ = Verdict::kUndecided;
  std::string failure_message_;
};

namespace detail {
// Implemented by the host: records a catch_response Response when it is destroyed.
class ResponseSink {
 public:
  virtual void record_deferred(const Response& response) noexcept = 0;

 protected:
  ~ResponseSink() = default;
};

// Implemented by the host, alive as long as the process: takes the storage of a Response being
// destroyed (its body's and header strings' capacity) for the next one, so a task's steady
// request loop allocates nothing.
class ResponseRecycler {
 public:
  virtual void recycle(Response& response) noexcept = 0;

 protected:
  ~ResponseRecycler() = default;
};
}  // namespace detail

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
  verdict_ = Verdict::kFailure;
  failure_message_ = std::move(message);
}
inline void Response::success() { verdict_ = Verdict::kSuccess; }

inline Response::Response(Response&& o) noexcept
    : status(o.status),
      body(std::move(o.body)),
      headers(std::move(o.headers)),
      elapsed(o.elapsed),
      error(std::move(o.error)),
      sink_(std::exchange(o.sink_, nullptr)),
      recycler_(std::exchange(o.recycler_, nullptr)),
      row_(o.row_),
      verdict_(o.verdict_),
      failure_message_(std::move(o.failure_message_)) {}

inline Response& Response::operator=(Response&& o) noexcept {
  if (this != &o) {
    finish();
    status = o.status;
    body = std::move(o.body);
    headers = std::move(o.headers);
    elapsed = o.elapsed;
    error = std::move(o.error);
    sink_ = std::exchange(o.sink_, nullptr);
    recycler_ = std::exchange(o.recycler_, nullptr);
    row_ = o.row_;
    verdict_ = o.verdict_;
    failure_message_ = std::move(o.failure_message_);
  }
  return *this;
}

inline Response::~Response() { finish(); }

inline void Response::finish() noexcept {
  if (sink_) std::exchange(sink_, nullptr)->record_deferred(*this);
  if (recycler_) std::exchange(recycler_, nullptr)->recycle(*this);
}

}  // namespace nest
