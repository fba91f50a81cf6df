// FastSession: nest::Client on one keep-alive HTTP/1.1 connection, for the fast transport.
#include "http/fast_session.h"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/scope_exit.hpp>

#include "http/fast_transport.h"
#include "http/http1_codec.h"
#include "http/response_pool.h"
#include "util/text.h"

namespace nest::host {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {
std::chrono::microseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}
}  // namespace

FastSession::FastSession(FastTransport& transport, Fiber& fiber)
    : SessionCore(transport.recorder(), transport.settings(), fiber),
      transport_(transport),
      connection_(transport, fiber) {
  out_.reserve(512);
}

void FastSession::cancel() {
  if (!in_flight_) return;
  aborted_ = true;
  connection_.interrupt();
}

void FastSession::expire() {
  timed_out_ = true;
  connection_.interrupt();
}

SessionCore::Ending FastSession::exchange(const nest::Request& request,
                                          std::chrono::milliseconds timeout,
                                          nest::Response& response) {
  aborted_ = timed_out_ = false;
  connection_.begin();
  in_flight_ = true;
  deadline_ = std::chrono::steady_clock::now() + timeout;
  transport_.watch(this);
  std::chrono::microseconds elapsed{0};
  std::string error;
  {
    BOOST_SCOPE_EXIT_ALL(this) {
      transport_.unwatch(this);
      in_flight_ = false;
    };
    std::uint64_t waits = connection_.waits();
    error = perform(request, response, elapsed);
    // A request that never waited (one refused before any I/O) still lets the loop run, or a
    // task repeating it would keep the thread to itself.
    if (connection_.waits() == waits) connection_.yield();
  }
  if (aborted_) return Ending::kStopped;
  if (timed_out_) {
    connection_.close();
    return Ending::kTimedOut;
  }
  response.elapsed = elapsed;
  response.error = std::move(error);
  return Ending::kDone;
}

std::string FastSession::perform(const nest::Request& request, nest::Response& response,
                                 std::chrono::microseconds& elapsed) {
  Hop hop{request.method, {}, request.body};
  if (is_absolute_url(request.path)) {
    auto url = parse_url(request.path);
    if (!url) return "URL using bad/illegal format or missing URL";
    hop.url = std::move(*url);
  } else {
    hop.url.origin = transport_.base().origin;
    append_path(hop.url.target, transport_.base_path(), request.path);
  }
  append_query(hop.url.target, request.options.query);
  for (int redirects = 0;; ++redirects) {
    std::string error = round_trip(hop, request, response, elapsed);
    if (error.empty() && !connection_.interrupted()) error = take_in(hop, request, response);
    if (!error.empty() || connection_.interrupted()) return error;
    RedirectStep step = follow_redirect(hop, response, redirects, settings_.max_redirects);
    if (!step.follow) return step.error;
    response.status = 0;
    ResponsePool::instance().clear_headers(response);
    response.body.clear();
  }
}

std::string FastSession::take_in(const Hop& hop, const nest::Request& request,
                                 nest::Response& response) {
  auto path = std::string_view(hop.url.target).substr(0, hop.url.target.find('?'));
  for (const auto& [key, value] : response.headers) {
    if (iequals(key, "Set-Cookie")) jar_.set(value, hop.url.origin, path);
  }
  if (has_header(request.options.headers, "Accept-Encoding") &&
      decodable_encoding(response.header("Content-Encoding")) && !response.body.empty()) {
    return transport_.inflater().decode(response.body, settings_.max_body);
  }
  return {};
}

std::string FastSession::round_trip(const Hop& hop, const nest::Request& request,
                                    nest::Response& response, std::chrono::microseconds& elapsed) {
  if (!transport_.proxy().empty()) {
    return "a proxy is set (" + transport_.proxy() +
           ") and the fast transport connects directly: use --transport=curl";
  }
  build_request(out_, hop.method, hop.url, hop.body, request.options.headers, jar_);
  for (int attempt = 0;; ++attempt) {
    bool reused = connection_.connected_to(hop.url.origin);
    if (!reused) {
      auto start = std::chrono::steady_clock::now();
      std::string error = connection_.connect(hop.url.origin);
      // Failed before sending: the time until it failed counts, as curl's does.
      if (!error.empty()) elapsed += since(start);
      if (!error.empty() || connection_.interrupted()) return error;
    }
    auto start = std::chrono::steady_clock::now();
    bool received = false, keep_alive = false;
    error_code ec = connection_.write(out_);
    if (!ec) {
      ec = read_response(connection_, response, hop.method == "HEAD", settings_.max_body, received,
                         keep_alive);
    }
    elapsed += since(start);
    if (connection_.interrupted()) return {};
    if (!ec) {
      if (!keep_alive) connection_.close();
      return {};
    }
    connection_.close();
    if (ec == http::error::body_limit) {
      response.body.clear();
      response.body.shrink_to_fit();  // up to --max-body: not kept for the next request
      return body_over_limit(settings_.max_body);
    }
    bool stale = reused && !received &&
                 (ec == asio::error::eof || ec == asio::error::connection_reset ||
                  ec == asio::error::broken_pipe);
    if (!stale || attempt > 0) return describe_failure(ec, received, connection_);
    ResponsePool::instance().clear_headers(response);  // try again on a new connection
  }
}

}  // namespace nest::host
