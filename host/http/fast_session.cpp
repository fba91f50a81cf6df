// FastSession: nest::Client on one keep-alive HTTP/1.1 connection, for the fast transport.
#include "http/fast_session.h"

#include <nest/taskset.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/scope_exit.hpp>
#include <cstring>

#include "http/cookie_jar.h"
#include "http/fast_transport.h"
#include "http/record_response.h"
#include "http/response_pool.h"
#include "stats/recorder.h"
#include "util/text.h"

namespace nest::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 4096;  // read size; the buffer grows only for big replies

// Whether `bytes` open as an HTTP/2 server's connection does: a frame header (24-bit length,
// type, flags, stream 0) of a SETTINGS (4) or GOAWAY (7) frame, where HTTP/1.1 has "HTTP/".
bool looks_like_http2(asio::const_buffer buffer) {
  const auto* bytes = static_cast<const unsigned char*>(buffer.data());
  if (buffer.size() < 9 || bytes[0] != 0 || (bytes[3] != 4 && bytes[3] != 7)) return false;
  return (bytes[5] & 0x7f) == 0 && bytes[6] == 0 && bytes[7] == 0 && bytes[8] == 0;
}

bool has_header(const nest::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return true;
  }
  return false;
}

// Fills a nest::Response straight from Beast's parser: no intermediate message object.
class ResponseParser final : public http::basic_parser<false> {
 public:
  explicit ResponseParser(nest::Response& response) : response_(response) {}

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, error_code&) override {
    response_.status = code;
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    ResponsePool::instance().add_header(response_, name, value);
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length && *length < (64u << 20)) response_.body.reserve(*length);
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    response_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    response_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  nest::Response& response_;
};

}  // namespace

FastSession::FastSession(FastTransport& transport, Fiber& fiber)
    : transport_(transport), fiber_(fiber), socket_(transport.io()), resolver_(transport.io()) {
  out_.reserve(512);
  in_.reserve(kReadChunk);
}

FastSession::~FastSession() {
  error_code ignored;
  socket_.close(ignored);
}

void FastSession::cancel() {
  if (!in_flight_) return;
  aborted_ = true;
  interrupt();
}

void FastSession::expire() {
  timed_out_ = true;
  interrupt();
}

// Ends the wait under way: the pending operation completes with operation_aborted.
void FastSession::interrupt() {
  error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  connected_ = false;
}

void FastSession::close() {
  tls_.reset();
  error_code ignored;
  socket_.close(ignored);
  connected_ = false;
}

// Toward a loopback target, connections leave from 127.0.0.1 to 127.0.0.254 in turn: one
// source address has about 28,000 ports toward a target, and as they fill, the kernel's search
// for a free one costs more with every connect. Spread, each source address stays sparse.
// IP_BIND_ADDRESS_NO_PORT leaves the port to connect(), which picks it for the whole 4-tuple.
void FastSession::bind_source(const tcp::endpoint& target, error_code& ec) {
  if (!target.address().is_v4() || !target.address().is_loopback()) return;
  int on = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
  auto host = static_cast<unsigned char>(1 + transport_.next_source() % 254);
  socket_.bind(tcp::endpoint(asio::ip::address_v4({127, 0, 0, host}), 0), ec);
}

template <typename Start>
error_code FastSession::wait_for(Start&& start) {
  std::uint64_t op = ++op_id_;
  done_ = false;
  ++waits_;
  start([this, op](error_code ec, auto&&... rest) {
    if (op != op_id_) return;  // a stale completion of an operation given up on
    if constexpr (sizeof...(rest) == 1) ((transferred_ = static_cast<std::size_t>(rest)), ...);
    done_ = true;
    result_ = ec;
    fiber_.resume();
  });
  while (!done_) fiber_.suspend();
  return result_;
}

std::string FastSession::connect(const Origin& origin) {
  close();
  const tcp::resolver::results_type* addresses = transport_.cached(origin);
  if (!addresses) {
    tcp::resolver::results_type results;
    error_code ec = wait_for([&](auto handler) {
      resolver_.async_resolve(
          origin.host, std::to_string(origin.port),
          [&results, handler](error_code e, tcp::resolver::results_type r) mutable {
            results = std::move(r);
            handler(e);
          });
    });
    if (ec) return interrupted() ? std::string() : "Could not resolve host: " + origin.host;
    transport_.remember(origin, std::move(results));
    addresses = transport_.cached(origin);
  }
  auto started = std::chrono::steady_clock::now();
  error_code ec = asio::error::host_not_found;
  for (const auto& entry : *addresses) {  // the first address that answers
    tcp::endpoint target = entry.endpoint();
    socket_.close(ec);
    socket_.open(target.protocol(), ec);
    if (!ec) bind_source(target, ec);
    if (!ec)
      ec = wait_for([&](auto handler) { socket_.async_connect(target, std::move(handler)); });
    if (!ec || interrupted()) break;
  }
  if (interrupted()) return {};
  if (ec == boost::system::errc::address_not_available) {
    return "could not connect (" + ec.message() +
           ": no local port left toward this target; see net.ipv4.ip_local_port_range)";
  }
  if (ec) return "could not connect (" + ec.message() + ")";
  socket_.set_option(tcp::no_delay(true), ec);
  if (origin.scheme == "https") {
    std::string error = handshake(origin);
    if (!error.empty() || interrupted()) return error;
  }
  transport_.recorder().connected(
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count()));
  socket_.non_blocking(true, ec);
  in_.clear();
  connected_ = true;
  origin_ = origin;
  return {};
}

void FastSession::build(const Hop& hop, const nest::Request& request) {
  const nest::Headers& headers = request.options.headers;
  out_.clear();
  out_.append(hop.method).append(" ").append(hop.url.target).append(" HTTP/1.1\r\n");
  if (!has_header(headers, "Host"))
    out_.append("Host: ").append(hop.url.origin.host_header()).append("\r\n");
  if (!has_header(headers, "User-Agent"))
    out_.append("User-Agent: nest/" NEST_VERSION " (fast)\r\n");
  if (!has_header(headers, "Accept")) out_.append("Accept: */*\r\n");
  std::size_t mark = out_.size();
  out_.append("Cookie: ");
  std::size_t cookies_at = out_.size();
  auto query = hop.url.target.find('?');
  jar_.append_header(out_, hop.url.origin, std::string_view(hop.url.target).substr(0, query));
  if (out_.size() == cookies_at)
    out_.resize(mark);
  else
    out_.append("\r\n");
  bool has_body =
      !hop.body.empty() || hop.method == "POST" || hop.method == "PUT" || hop.method == "PATCH";
  if (has_body) {
    // As curl with CURLOPT_POSTFIELDS: a form, unless the task says otherwise.
    if (!has_header(headers, "Content-Type")) {
      out_.append("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    out_.append("Content-Length: ").append(std::to_string(hop.body.size())).append("\r\n");
  }
  for (const auto& [key, value] : headers)
    out_.append(key).append(": ").append(value).append("\r\n");
  out_.append("\r\n");
  out_.append(hop.body);
}

// TLS 1.2 or 1.3 with SNI; the certificate chain and the host name are checked unless
// --insecure. Failures read as curl's.
std::string FastSession::handshake(const Origin& origin) {
  tls_.emplace(socket_, transport_.tls());
  error_code ec;
  asio::ip::make_address(origin.host, ec);
  if (ec) SSL_set_tlsext_host_name(tls_->native_handle(), origin.host.c_str());  // names only
  if (!transport_.settings().insecure) {
    tls_->set_verify_callback(asio::ssl::host_name_verification(origin.host));
  }
  ec = wait_for([&](auto handler) {
    tls_->async_handshake(asio::ssl::stream_base::client, std::move(handler));
  });
  if (!ec || interrupted()) return {};
  bool unverified = SSL_get_verify_result(tls_->native_handle()) != X509_V_OK;
  close();
  if (unverified) return "SSL peer certificate or SSH remote key was not OK";
  if (ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
          SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) {
    return "SSL connect error (the server speaks HTTP/2 only: it refused HTTP/1.1 in ALPN); "
           "the fast transport speaks HTTP/1.1: use --transport=curl";
  }
  return "SSL connect error (" + ec.message() + ")";
}

// Usually one send() that takes it all; otherwise Asio finishes the rest when there is room.
// Over TLS, Asio writes the whole request through the stream.
error_code FastSession::write_request() {
  if (tls_) {
    return wait_for(
        [&](auto handler) { asio::async_write(*tls_, asio::buffer(out_), std::move(handler)); });
  }
  std::size_t sent = 0;
  while (sent < out_.size()) {
    error_code ec;
    auto rest = asio::buffer(out_.data() + sent, out_.size() - sent);
    sent += socket_.write_some(rest, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = wait_for([&](auto handler) { socket_.async_write_some(rest, std::move(handler)); });
      if (!ec) sent += transferred_;
    }
    if (ec) return ec;
  }
  return {};
}

// Reads one response into `response`. `received` tells whether any byte of it arrived.
error_code FastSession::read_response(nest::Response& response, bool head, bool& received,
                                      bool& keep_alive) {
  ResponseParser parser(response);
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);
  parser.eager(true);
  if (head) parser.skip(true);
  while (true) {
    if (in_.size() > 0) {
      // An HTTP/2-only server answers with frames, never "HTTP/": describe() names it.
      if (!parser.got_some() && looks_like_http2(in_.data())) return http::error::bad_version;
      error_code ec;
      std::size_t used = parser.put(in_.data(), ec);
      in_.consume(used);
      if (parser.is_done()) break;
      if (ec && ec != http::error::need_more) return ec;
      if (used > 0 && in_.size() > 0) continue;
    }
    // async_read_some, not a readiness wait: Asio tries the read at once and, when nothing is
    // there yet, queues it without an epoll_ctl call (a wait would cost one per response).
    auto space = in_.prepare(kReadChunk);
    error_code ec = wait_for([&](auto handler) {
      if (tls_)
        tls_->async_read_some(space, std::move(handler));
      else
        socket_.async_read_some(space, std::move(handler));
    });
    if (ec == asio::ssl::error::stream_truncated)
      ec = asio::error::eof;  // closed without TLS goodbye
    if (!ec) {
      in_.commit(transferred_);
      received = true;
      continue;
    }
    if (ec == asio::error::eof && parser.got_some() && parser.need_eof()) {
      parser.put_eof(ec);  // a body that ends with the connection
      if (!ec && parser.is_done()) break;
    }
    return ec;
  }
  keep_alive = parser.keep_alive() && in_.size() == 0;
  if (in_.capacity() > 64 * 1024) in_.shrink_to_fit();  // a big reply does not stay resident
  return {};
}

// The words curl uses for the same failures, so rows group alike on both transports.
std::string FastSession::describe(error_code ec, bool received) const {
  if (ec == http::error::bad_version && looks_like_http2(in_.data())) {
    return "Weird server reply (HTTP/2 frames: the server speaks HTTP/2 only, without TLS); "
           "the fast transport speaks HTTP/1.1";
  }
  if (ec == asio::error::eof) {
    return received ? "Transferred a partial file"
                    : "Server returned nothing (no headers, no data)";
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return "Weird server reply (" + ec.message() + ")";
  }
  return "Failure when receiving data from the peer (" + ec.message() + ")";
}

// One request and its response on this user's connection, reconnecting once when a kept-alive
// connection turns out closed before any byte of the response came back.
std::string FastSession::exchange(const Hop& hop, const nest::Request& request,
                                  nest::Response& response, std::chrono::microseconds& elapsed) {
  if (!transport_.proxy().empty()) {
    return "a proxy is set (" + transport_.proxy() +
           ") and the fast transport connects directly: use --transport=curl";
  }
  build(hop, request);
  for (int attempt = 0;; ++attempt) {
    bool reused = connected_ && origin_ == hop.url.origin;
    if (!reused) {
      auto start = std::chrono::steady_clock::now();
      std::string error = connect(hop.url.origin);
      if (!error.empty()) {  // failed before sending: the time until it failed, as curl
        elapsed += std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
      }
      if (!error.empty() || interrupted()) return error;
    }
    auto start = std::chrono::steady_clock::now();
    bool received = false, keep_alive = false;
    error_code ec = write_request();
    if (!ec) ec = read_response(response, hop.method == "HEAD", received, keep_alive);
    elapsed += std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    if (interrupted()) return {};
    if (!ec) {
      if (!keep_alive) close();
      return {};
    }
    close();
    bool stale = reused && !received &&
                 (ec == asio::error::eof || ec == asio::error::connection_reset ||
                  ec == asio::error::broken_pipe);
    if (!stale || attempt > 0) return describe(ec, received);
    ResponsePool::instance().clear_headers(response);  // try again on a new connection
  }
}

bool FastSession::interrupted() const { return aborted_ || timed_out_; }

std::chrono::milliseconds FastSession::timeout_of(const nest::Request& request) const {
  return request.options.timeout.count() > 0 ? request.options.timeout
                                             : transport_.settings().request_timeout;
}

std::string FastSession::perform(const nest::Request& request, nest::Response& response,
                                 std::chrono::microseconds& elapsed) {
  Hop hop{request.method, {}, request.body};
  const std::string& path = request.path;
  if (path.starts_with("http://") || path.starts_with("https://")) {
    auto url = parse_url(path);
    if (!url) return "URL using bad/illegal format or missing URL";
    hop.url = std::move(*url);
  } else {
    hop.url = transport_.base();
    if (hop.url.target == "/") hop.url.target.clear();
    if (!path.starts_with('/')) hop.url.target += '/';
    hop.url.target += path;
  }
  char separator = hop.url.target.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : request.options.query) {
    hop.url.target += separator;
    append_escaped(hop.url.target, key);
    hop.url.target += '=';
    append_escaped(hop.url.target, value);
    separator = '&';
  }
  for (int redirects = 0;; ++redirects) {
    std::string error = exchange(hop, request, response, elapsed);
    if (!error.empty() || interrupted()) return error;
    auto path_end = hop.url.target.find('?');
    for (const auto& [key, value] : response.headers) {
      if (iequals(key, "Set-Cookie")) {
        jar_.set(value, hop.url.origin, std::string_view(hop.url.target).substr(0, path_end));
      }
    }
    // Compressed bodies are decoded when the task asked for them (Accept-Encoding), as curl
    // does with CURLOPT_ACCEPT_ENCODING.
    if (has_header(request.options.headers, "Accept-Encoding") &&
        decodable_encoding(response.header("Content-Encoding")) && !response.body.empty()) {
      std::string failed = transport_.inflater().decode(response.body);
      if (!failed.empty()) return failed;
    }
    int status = response.status;
    bool redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    std::string_view location = response.header("Location");
    int most = transport_.settings().max_redirects;
    if (!redirect || location.empty() || most == 0) return {};
    if (redirects == most) return "Maximum (" + std::to_string(most) + ") redirects followed";
    if (location.starts_with("http://") || location.starts_with("https://")) {
      auto url = parse_url(location);
      if (!url) return "URL using bad/illegal format or missing URL";
      hop.url = std::move(*url);
    } else if (location.starts_with('/')) {
      hop.url.target = std::string(location);
    } else {
      auto dir = hop.url.target.substr(0, hop.url.target.rfind('/', path_end) + 1);
      hop.url.target = dir + std::string(location);
    }
    // As curl (and browsers): after 303, and after 301/302 of a POST, the next request is a GET.
    if ((status == 303 && hop.method != "HEAD") ||
        ((status == 301 || status == 302) && hop.method == "POST")) {
      hop.method = "GET";
      hop.body = {};
    }
    response.status = 0;
    ResponsePool::instance().clear_headers(response);
    response.body.clear();
  }
}

nest::Response FastSession::send(const nest::Request& request) {
  fiber_.check_stopped();
  const std::string& name = request.options.name.empty() ? request.path : request.options.name;
  Recorder& recorder = transport_.recorder();
  unsigned row = recorder.row(request.method, name);
  nest::Response response;
  ResponsePool::instance().prepare(response);
  aborted_ = timed_out_ = false;
  in_flight_ = true;
  deadline_ = std::chrono::steady_clock::now() + timeout_of(request);
  transport_.watch(this);
  std::chrono::microseconds elapsed{0};
  std::string error;
  {
    BOOST_SCOPE_EXIT_ALL(this) {
      transport_.unwatch(this);
      in_flight_ = false;
    };
    std::uint64_t waits = waits_;
    error = perform(request, response, elapsed);
    // A request that never waited (one refused before any I/O) still lets the loop run, or a
    // task repeating it would keep the thread to itself.
    if (waits_ == waits) {
      wait_for([&](auto handler) {
        asio::post(transport_.io(), [handler]() mutable { handler(error_code{}); });
      });
    }
  }
  if (aborted_) throw nest::UserStopped{};
  if (timed_out_) {
    close();
    error = "timed out after " + std::to_string(timeout_of(request).count()) + " ms";
    elapsed = std::chrono::duration_cast<std::chrono::microseconds>(timeout_of(request));
  }
  response.elapsed = elapsed;
  if (!error.empty()) {
    response.status = 0;
    response.error = std::move(error);
  }
  if (request.options.catch_response) {
    defer_recording(response, this, row);
  } else {
    record_response(recorder, row, response);
  }
  return response;
}

void FastSession::record_deferred(const nest::Response& response) noexcept {
  record_response(transport_.recorder(), control(response).row, response);
}

}  // namespace nest::host
