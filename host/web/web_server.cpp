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
#include <map>
#include <optional>
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

// The state as the stream sends it: the rows' histograms left out (the page draws none of them;
// result.json has them all), and how many seconds of timeline it holds (none without a result).
struct StreamState {
  json::object state;
  std::string text;
  std::optional<std::size_t> seconds;
};

StreamState stream_state_of(const std::string& full) {
  StreamState out;
  out.state = json::parse(full).as_object();
  if (json::object* result = out.state["result"].if_object()) {
    for (json::value& row : (*result)["rows"].as_array()) row.as_object().erase("histogram");
    out.seconds = (*result)["timeline"].as_object()["t"].as_array().size();
  }
  out.text = json::serialize(out.state);
  return out;
}

// The entries of `a` from `from` on, when `a` runs along the timeline (`seconds` long); else
// all of it (an array the run does not fill, such as the open model's in a closed run).
json::array tail(const json::array& a, std::size_t from, std::size_t seconds) {
  if (a.size() != seconds) return a;
  return json::array(a.begin() + static_cast<std::ptrdiff_t>(from), a.end());
}

// The state with only the timeline's seconds from `from` on (docs/web-ui.md, "update").
std::string state_update(const StreamState& s, std::size_t from) {
  json::object update;
  for (const auto& [key, value] : s.state) {
    if (key != "result") update[key] = value;
  }
  const json::object& result = s.state.at("result").as_object();
  json::object partial;
  for (const auto& [key, value] : result) {
    if (key != "timeline") partial[key] = value;
  }
  std::size_t n = *s.seconds;
  json::object timeline{{"from", from}};
  for (const auto& [key, value] : result.at("timeline").as_object()) {
    if (key == "rows") {
      json::array rows;
      for (const auto& row : value.as_array()) {
        json::object sliced;
        for (const auto& [field, series] : row.as_object()) {
          sliced[field] = series.is_array() ? json::value(tail(series.as_array(), from, n)) : series;
        }
        rows.push_back(std::move(sliced));
      }
      timeline["rows"] = std::move(rows);
    } else if (key != "marks" && value.is_array()) {
      timeline[key] = tail(value.as_array(), from, n);
    } else {
      timeline[key] = value;
    }
  }
  partial["timeline"] = std::move(timeline);
  update["result"] = std::move(partial);
  return json::serialize(update);
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
  const StreamState& shared_state();

  StreamState state_cache;
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

const StreamState& WebServer::Impl::shared_state() {
  auto now = std::chrono::steady_clock::now();
  if (state_cache.text.empty() || now - state_made >= std::chrono::milliseconds(900)) {
    state_cache = stream_state_of(control.state_json());
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

// Server-Sent Events until the page goes: the whole state now ("state"), then every second the
// state with only the seconds of timeline this page does not have yet ("update"); the whole
// state again whenever the timeline is not the one it extends (a run that began meanwhile).
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
  std::optional<std::size_t> sent;  // seconds of timeline the page has
  for (;;) {
    const StreamState& now = shared_state();
    bool extends = sent && now.seconds && *now.seconds >= *sent;
    // One data line: serialize() writes no raw line break (it escapes those in strings).
    std::string event = extends ? "event: update\ndata: " + state_update(now, *sent) + "\n\n"
                                : "event: state\ndata: " + now.text + "\n\n";
    sent = now.seconds;
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
  if (target.starts_with("/download/")) {
    if (req.method() != http::verb::get) return error(req, http::status::method_not_allowed, "GET");
    std::string name(target.substr(std::string_view("/download/").size()));
    std::optional<WebFile> file = control.download(name);
    if (!file) {
      return error(req, http::status::not_found,
                   "no download named '" + name + "' (or nothing measured yet)");
    }
    Response res = reply(req, http::status::ok, std::move(file->body), file->content_type.c_str());
    res.set(http::field::content_disposition, "attachment; filename=\"" + file->filename + "\"");
    return res;
  }
  if (target == "/api/start" || target == "/api/target" || target == "/api/stop" ||
      target == "/api/reset") {
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
  static const std::vector<std::string> kKnown = {"users",      "spawn_rate", "rate",
                                                  "run_time_s", "host",       "weights",
                                                  "stages"};
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
  std::optional<std::string> host;
  if (const json::value* v = body.if_contains("host"); v && !v->is_null()) {
    if (!v->is_string()) return error(req, http::status::bad_request, "host must be a string");
    host = std::string(v->get_string());
  }
  std::optional<std::string> stages;
  if (const json::value* v = body.if_contains("stages"); v && !v->is_null()) {
    if (!v->is_string()) {
      return error(req, http::status::bad_request, "stages must be a string such as \"30s:10, 1m:10\"");
    }
    stages = std::string(v->get_string());
  }
  std::map<std::string, std::uint64_t> weights;
  if (const json::value* v = body.if_contains("weights"); v && !v->is_null()) {
    if (!v->is_object()) {
      return error(req, http::status::bad_request,
                   "weights must be an object: {\"taskset name\": weight, ...}");
    }
    for (const auto& [name, weight] : v->get_object()) {
      std::string key = "weights." + std::string(name);
      if (weight.is_null()) {
        problem = key + " must be a whole number, 0 or more";
        break;
      }
      json::object one{{key, weight}};
      auto w = whole(one, key.c_str(), problem);
      if (!problem.empty()) break;
      weights[std::string(name)] = w.value_or(0);
    }
  }
  if (!problem.empty()) return error(req, http::status::bad_request, problem);
  bool start = target == "/api/start";
  if (!start && (host || !weights.empty() || run_time || stages)) {
    return error(req, http::status::bad_request,
                 "host, weights, stages and run_time_s are set at the start");
  }
  std::string refused;
  if (start) {
    refused = control.start({users, spawn_rate, rate, run_time, host, stages, std::move(weights)});
  } else if (target == "/api/target") {
    refused = control.set_target({users, spawn_rate, rate});
  } else if ((users || spawn_rate || rate)) {
    return error(req, http::status::bad_request, std::string(target) + " takes no fields");
  } else if (target == "/api/stop") {
    refused = control.stop();
  } else {
    refused = control.reset_stats();
  }
  if (!refused.empty()) return error(req, http::status::bad_request, refused);
  return reply(req, http::status::ok, R"({"ok":true})");
}

}  // namespace nest::host
