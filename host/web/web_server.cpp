#include "web/web_server.h"

#include <pthread.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <thread>

#include "web/web_page.h"

namespace nest::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

constexpr std::size_t kMaxBody = 64 * 1024;  // a form's JSON is a few hundred bytes
constexpr std::size_t kMaxConnections = 32;  // open at once: pages, streams, API clients

// Equal strings, in time that does not depend on where they differ.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string random_token() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(device()));
    token += part;
  }
  return token;
}

std::string base64(const std::string& text) {
  std::string out(beast::detail::base64::encoded_size(text.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), text.data(), text.size()));
  return out;
}

Response reply(const Request& req, http::status status, std::string body,
               const char* type = "application/json") {
  Response res{status, req.version()};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.body() = std::move(body);
  res.keep_alive(req.keep_alive());
  return res;
}

Response error(const Request& req, http::status status, const std::string& message) {
  return reply(req, status, json::serialize(json::object{{"error", message}}));
}

// A field of a POST's JSON object: a whole number 0 or more, or a number 0 or more.
std::optional<std::uint64_t> whole(const json::object& o, const char* key, std::string& problem) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
  if (v->is_double() && v->get_double() >= 0 && v->get_double() == std::floor(v->get_double()) &&
      v->get_double() < 1e15) {
    return static_cast<std::uint64_t>(v->get_double());
  }
  problem = std::string(key) + " must be a whole number, 0 or more";
  return std::nullopt;
}

std::optional<double> number(const json::object& o, const char* key, std::string& problem) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  double d = v->is_double()   ? v->get_double()
             : v->is_int64()  ? static_cast<double>(v->get_int64())
             : v->is_uint64() ? static_cast<double>(v->get_uint64())
                              : -1;
  if (!v->is_number() || !(d >= 0) || !std::isfinite(d)) {
    problem = std::string(key) + " must be a number, 0 or more";
    return std::nullopt;
  }
  return d;
}

}  // namespace

struct WebServer::Impl {
  WebSettings settings;
  RunControl& control;
  std::string token = random_token();
  std::string expected_auth;  // "Basic <base64(user:password)>", or empty
  std::string page;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  Impl(const WebSettings& s, RunControl& c) : settings(s), control(c) {
    if (settings.auth) expected_auth = "Basic " + base64(*settings.auth);
    page = live_page(token);
  }

  asio::awaitable<void> listen();
  asio::awaitable<void> serve(beast::tcp_stream stream);
  asio::awaitable<void> stream_state(beast::tcp_stream& stream, const Request& req);
  bool host_allowed(const Request& req) const;
  bool cross_site(const Request& req) const;
  // The state, made at most once a second however many pages stream it (all on this thread).
  const std::string& shared_state();

  std::string state_cache;
  std::chrono::steady_clock::time_point state_made;
  std::size_t connections = 0;
  Response answer(const Request& req);
  Response post(const Request& req, std::string_view target);
};

WebServer::WebServer(const WebSettings& settings, RunControl& control)
    : impl_(std::make_unique<Impl>(settings, control)) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(settings.host, ec);
  if (ec) {
    throw std::runtime_error("--web-host: '" + settings.host + "' is not an IP address");
  }
  tcp::endpoint endpoint(address, settings.port);
  auto& acceptor = impl_->acceptor;
  std::string step = "open";
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    step = "bind";
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    step = "listen";
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    std::string why = ec.message();
    if (ec == asio::error::address_in_use) {
      why += ": another program listens on that port (choose another with --web-port)";
    }
    throw std::runtime_error("the web UI cannot " + step + " on " + settings.host + ":" +
                             std::to_string(settings.port) + ": " + why);
  }
  asio::co_spawn(impl_->io, impl_->listen(), asio::detached);
  impl_->thread = std::thread([this] {
    // Ctrl-C and its kin are the command's to take (engine/run.h), never this thread's.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, s);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    impl_->io.run();
  });
}

WebServer::~WebServer() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string WebServer::url() const {
  auto endpoint = impl_->acceptor.local_endpoint();
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(endpoint.port());
}

const std::string& WebServer::token() const { return impl_->token; }

const std::string& WebServer::Impl::shared_state() {
  auto now = std::chrono::steady_clock::now();
  if (state_cache.empty() || now - state_made >= std::chrono::milliseconds(900)) {
    state_cache = control.state_json();
    state_made = now;
  }
  return state_cache;
}

asio::awaitable<void> WebServer::Impl::listen() {
  for (;;) {
    auto [error, socket] =
        co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
    if (error) {
      if (error == asio::error::operation_aborted) co_return;
      continue;
    }
    if (connections >= kMaxConnections) {  // a page needs two; a flood gets nothing more
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++connections;
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(beast::tcp_stream(std::move(socket))),
                   [this](std::exception_ptr) { --connections; });
  }
}

asio::awaitable<void> WebServer::Impl::serve(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    stream.expires_after(std::chrono::seconds(30));
    auto [read_error, n] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    stream.expires_never();
    if (read_error) break;
    Request req = parser.release();
    if (req.method() == http::verb::get && req.target() == "/api/stream" && host_allowed(req) &&
        !cross_site(req) &&
        (expected_auth.empty() || same(req[http::field::authorization], expected_auth))) {
      co_await stream_state(stream, req);
      break;
    }
    Response res = answer(req);
    res.prepare_payload();
    bool keep_alive = res.keep_alive();
    auto [write_error, m] =
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    if (write_error || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Server-Sent Events: the whole state now, then again every second, until the page goes.
asio::awaitable<void> WebServer::Impl::stream_state(beast::tcp_stream& stream, const Request& req) {
  http::response<http::empty_body> head{http::status::ok, req.version()};
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-store");
  head.keep_alive(false);
  http::response_serializer<http::empty_body> serializer{head};
  auto [head_error, h] =
      co_await http::async_write_header(stream, serializer, asio::as_tuple(asio::use_awaitable));
  if (head_error) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    // One data line: a raw line break in the JSON (only ever whitespace there) would end it.
    std::string state = shared_state();
    std::replace(state.begin(), state.end(), '\n', ' ');
    std::string event = "event: state\ndata: " + state + "\n\n";
    auto [write_error, w] = co_await asio::async_write(stream.socket(), asio::buffer(event),
                                                       asio::as_tuple(asio::use_awaitable));
    if (write_error) co_return;
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

// Without credentials (loopback), a request must name nest-host as a loopback address in its
// Host: a page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
// sends its own name, and is refused before it can read the token.
bool WebServer::Impl::host_allowed(const Request& req) const {
  if (!expected_auth.empty()) return true;  // the credentials guard it
  std::string_view host = req[http::field::host];
  std::string port = ":" + std::to_string(acceptor.local_endpoint().port());
  if (!host.ends_with(port)) return false;
  host.remove_suffix(port.size());
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return is_loopback(std::string(host));  // an address, or "localhost": never another name
}

// A request another site's page made (a GET of the stream by fetch, say): refused, whatever it
// asks. Browsers say so in Origin, or in Sec-Fetch-Site.
bool WebServer::Impl::cross_site(const Request& req) const {
  std::string_view origin = req[http::field::origin];
  std::string_view host = req[http::field::host];
  if (!origin.empty() && origin != "http://" + std::string(host) &&
      origin != "https://" + std::string(host)) {
    return true;
  }
  return req["Sec-Fetch-Site"] == "cross-site";
}

Response WebServer::Impl::answer(const Request& req) {
  if (!host_allowed(req)) {
    return error(req, http::status::forbidden,
                 "the Host header names another site: open the web UI at its own address");
  }
  if (cross_site(req)) {
    std::string_view origin = req[http::field::origin];
    return error(req, http::status::forbidden,
                 "a request from another site" +
                     (origin.empty() ? std::string() : " (Origin " + std::string(origin) + ")") +
                     " is refused");
  }
  if (!expected_auth.empty() && !same(req[http::field::authorization], expected_auth)) {
    Response res = error(req, http::status::unauthorized, "credentials needed (--web-auth)");
    res.set(http::field::www_authenticate, "Basic realm=\"nest\", charset=\"UTF-8\"");
    res.keep_alive(false);  // nothing more on this connection without them
    return res;
  }
  std::string_view target = req.target();
  if (target == "/" || target == "/index.html") {
    if (req.method() != http::verb::get) return error(req, http::status::method_not_allowed, "GET");
    return reply(req, http::status::ok, page, "text/html; charset=utf-8");
  }
  if (target == "/api/state") {
    if (req.method() != http::verb::get) return error(req, http::status::method_not_allowed, "GET");
    return reply(req, http::status::ok, control.state_json());
  }
  if (target == "/api/start" || target == "/api/target" || target == "/api/stop") {
    if (req.method() != http::verb::post) {
      return error(req, http::status::method_not_allowed, "POST");
    }
    return post(req, target);
  }
  return error(req, http::status::not_found, "no such page: " + std::string(target));
}

// A change to the run: from the page's own origin, with its token, with a JSON object.
Response WebServer::Impl::post(const Request& req, std::string_view target) {
  if (!same(req["X-Nest-Token"], token)) {
    return error(req, http::status::forbidden,
                 "missing or wrong X-Nest-Token: the web UI's page carries it");
  }
  json::object body;
  if (!req.body().empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(req.body(), ec);
    if (ec || !parsed.is_object()) {
      return error(req, http::status::bad_request,
                   "the body is not a JSON object" + (ec ? " (" + ec.message() + ")" : ""));
    }
    body = parsed.get_object();
  }
  static const std::vector<std::string> kKnown = {"users", "spawn_rate", "rate", "run_time_s"};
  for (const auto& [key, value] : body) {
    if (std::find(kKnown.begin(), kKnown.end(), std::string(key)) == kKnown.end()) {
      return error(req, http::status::bad_request, "unknown field '" + std::string(key) + "'");
    }
  }
  std::string problem;
  auto users = whole(body, "users", problem);
  auto spawn_rate = number(body, "spawn_rate", problem);
  auto rate = number(body, "rate", problem);
  auto run_time = number(body, "run_time_s", problem);
  if (!problem.empty()) return error(req, http::status::bad_request, problem);
  std::string refused;
  if (target == "/api/start") {
    refused = control.start({users, spawn_rate, rate, run_time});
  } else if (target == "/api/target") {
    if (run_time) return error(req, http::status::bad_request, "run_time_s is set at the start");
    refused = control.set_target({users, spawn_rate, rate});
  } else {
    refused = control.stop();
  }
  if (!refused.empty()) return error(req, http::status::bad_request, refused);
  return reply(req, http::status::ok, R"({"ok":true})");
}

}  // namespace nest::host
