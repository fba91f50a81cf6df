// nest-demo-target: a small HTTP/1.1 server (Boost.Beast) that Nest's examples, tests and quick
// start run against, so nothing outside the machine is needed.
//
//   GET /              200, a short text
//   POST /login        200, sets the cookie session=<n>; with an account (user=NAME in the query
//                      or a form body), 409 while that account is logged in on another session
//   POST /logout       200, clears it (the session's account is free again)
//   GET /items         200, a JSON list;   GET /items/{id}  200 (numeric id) or 404
//   POST /cart         200 with the session cookie, else 401
//   GET /slow?ms=N     200 after N ms (the thread keeps serving others meanwhile)
//   GET /status/{code} that status
//   GET /redirect?to=P[&code=C]  C (302) to P;  GET|POST /echo  the request as read, as text
//   GET /chunked       a chunked body;  GET /close  answers, then closes the connection
//   GET /gzip          a text, gzip-compressed when the request's Accept-Encoding allows gzip
//   GET /stats         {"requests": {"GET /": 12, ...}, "total": N, "connections": C, "logins":
//                      {"in_use", "most_in_use", "total", "refused"}}: every request answered,
//                      by method and path (query left out), except /stats itself
//
// Usage: nest-demo-target [--port P] [--bind ADDRESS] [--threads N] [--tls CERT KEY]
//                         [--idle-timeout MS] [--slots N --service-ms MS] [--log FILE]
// The port is 8080 unless given (8089 is nest-host's web UI's, as Locust's); 0 picks a free
// one. With --tls it speaks HTTPS (PEM certificate chain and key). With --idle-timeout, a
// connection whose next request has not arrived within MS is closed, as nginx's
// keepalive_timeout does; clients find out when they next use it. With --slots and
// --service-ms, every request but /stats first waits for one of N service slots and holds it
// for MS: a bottleneck with a known capacity of N / MS requests per millisecond (service_slots.h),
// for capacity searches to find. With --log, each request it counts is also written to FILE as
// "METHOD TARGET" (query included), a line each in the order answered: the server's own log.
// Prints "listening on ADDRESS:PORT" once ready.
#include <zlib.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logins.h"
#include "service_slots.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

class Counts {
 public:
  // --log: every answered request's method and target, a line each, in the order answered.
  void log_to(std::FILE* log) { log_ = log; }
  void add(std::string key, std::string_view method, std::string_view target) {
    std::lock_guard lock(mutex_);
    ++counts_[std::move(key)];
    if (log_) {
      std::fprintf(log_, "%.*s %.*s\n", static_cast<int>(method.size()), method.data(),
                   static_cast<int>(target.size()), target.data());
      std::fflush(log_);
    }
  }
  std::string json(const nest::demo::Logins& logins) {
    std::lock_guard lock(mutex_);
    std::string out = "{\"requests\": {";
    unsigned long long total = 0;
    bool first = true;
    for (const auto& [key, n] : counts_) {
      out += (first ? "\"" : ", \"") + key + "\": " + std::to_string(n);
      first = false;
      total += n;
    }
    return out + "}, \"total\": " + std::to_string(total) +
           ", \"connections\": " + std::to_string(connections_) +
           ", \"logins\": " + logins.json() + "}";
  }
  void connection() { ++connections_; }

 private:
  std::atomic<unsigned long long> connections_{0};  // TCP connections accepted
  std::mutex mutex_;
  std::map<std::string, unsigned long long> counts_;
  std::FILE* log_ = nullptr;
};

nest::demo::Logins g_logins;

std::string_view query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.starts_with(key) && pair.size() > key.size() && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

// The session=<n> cookie's number, or 0.
unsigned long long session_of(const Request& req) {
  auto it = req.find(http::field::cookie);
  if (it == req.end()) return 0;
  std::string_view cookies(it->value().data(), it->value().size());
  auto at = cookies.find("session=");
  if (at == std::string_view::npos) return 0;
  unsigned long long session = 0;
  std::string_view digits = cookies.substr(at + 8);
  std::from_chars(digits.data(), digits.data() + digits.size(), session);
  return session;
}

bool has_session(const Request& req) {
  auto it = req.find(http::field::cookie);
  return it != req.end() && it->value().find("session=") != beast::string_view::npos &&
         it->value().find("session=;") == beast::string_view::npos;
}

std::string gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

int to_int(std::string_view text, int fallback) {
  int value = fallback;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return (ec == std::errc() && ptr == text.data() + text.size()) ? value : fallback;
}

asio::awaitable<Response> answer(const Request& req, Counts& counts,
                                 nest::demo::ServiceSlots* slots) {
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query = path.size() < target.size() ? target.substr(path.size() + 1) : "";
  std::string method(req.method_string());
  const std::string route = method == "HEAD" ? "GET" : method;  // HEAD: GET without the body
  Response res{http::status::ok, req.version()};
  res.set(http::field::server, "nest-demo-target");
  res.set(http::field::content_type, "application/json");
  if (path == "/stats") {
    res.body() = counts.json(g_logins);
    co_return res;
  }
  counts.add(method + " " + std::string(path), method, target);
  if (slots) co_await slots->serve();

  if (path == "/" && route == "GET") {
    res.set(http::field::content_type, "text/plain");
    res.body() = "Nest demo target\n";
  } else if (path == "/login" && route == "POST") {
    std::string_view user = query_value(query, "user");
    if (user.empty()) user = query_value(req.body(), "user");
    if (unsigned long long session = g_logins.login(user)) {
      res.set(http::field::set_cookie, "session=" + std::to_string(session) + "; Path=/");
      res.body() = "{\"ok\": true}";
    } else {
      res.result(http::status::conflict);
      res.body() = "{\"error\": \"login in use\"}";
    }
  } else if (path == "/logout" && route == "POST") {
    g_logins.logout(session_of(req));
    res.set(http::field::set_cookie, "session=; Path=/; Max-Age=0");
    res.body() = "{\"ok\": true}";
  } else if (path == "/items" && route == "GET") {
    res.body() =
        R"([{"id": 1, "name": "kettle"}, {"id": 2, "name": "teapot"}, {"id": 3, "name": "cup"}])";
  } else if (path.starts_with("/items/") && route == "GET") {
    int id = to_int(path.substr(7), -1);
    if (id < 0) {
      res.result(http::status::not_found);
      res.body() = "{\"error\": \"no such item\"}";
    } else {
      res.body() = "{\"id\": " + std::to_string(id) + ", \"name\": \"item\"}";
    }
  } else if (path == "/cart" && route == "POST") {
    if (!has_session(req)) {
      res.result(http::status::unauthorized);
      res.body() = "{\"error\": \"log in first\"}";
    } else {
      res.body() = "{\"ok\": true}";
    }
  } else if (path == "/slow" && route == "GET") {
    int ms = std::max(0, to_int(query_value(query, "ms"), 100));
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await timer.async_wait(asio::use_awaitable);
    res.body() = "{\"slept_ms\": " + std::to_string(ms) + "}";
  } else if (path == "/redirect") {  // ?to=PATH[&code=301|302|303|307|308]
    int code = to_int(query_value(query, "code"), 302);
    res.result(static_cast<unsigned>(code));
    res.set(http::field::location, query_value(query, "to"));
    res.body() = "{\"redirect\": " + std::to_string(code) + "}";
  } else if (path == "/echo") {  // the request as the server read it
    res.set(http::field::content_type, "text/plain");
    res.body() = method + " " + std::string(target) + "\n";
    for (const auto& field : req) {
      res.body() += std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
    }
    res.body() += "\n" + req.body();
  } else if (path == "/gzip") {
    res.set(http::field::content_type, "text/plain");
    std::string text;
    for (int i = 0; i < 20; ++i)
      text += "Nest demo target, compressed line " + std::to_string(i) + "\n";
    auto accept = req.find(http::field::accept_encoding);
    if (accept != req.end() && accept->value().find("gzip") != beast::string_view::npos) {
      res.set(http::field::content_encoding, "gzip");
      res.body() = gzip(text);
    } else {
      res.body() = text;
    }
  } else if (path == "/chunked") {
    res.chunked(true);
    res.body() = "a body sent in chunks";
  } else if (path == "/close") {  // answers, then closes the connection
    res.keep_alive(false);
    res.body() = "{\"closing\": true}";
  } else if (path.starts_with("/status/")) {
    int code = to_int(path.substr(8), 0);
    if (code < 100 || code > 999) code = 400;
    res.result(static_cast<unsigned>(code));
    res.body() = "{\"status\": " + std::to_string(code) + "}";
  } else {
    res.result(http::status::not_found);
    res.body() = "{\"error\": \"not found\"}";
  }
  co_return res;
}

// Serves one connection: a beast::tcp_stream, or an asio::ssl::stream over one (handshake
// first). Runs on the connection's strand, as the stream's idle timer does.
template <typename Stream>
asio::awaitable<void> serve(Stream socket, Counts& counts, nest::demo::ServiceSlots* slots,
                            std::chrono::milliseconds idle) {
  beast::flat_buffer buffer;
  beast::tcp_stream& lowest = beast::get_lowest_layer(socket);
  lowest.socket().set_option(tcp::no_delay(true));
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    auto [error] = co_await socket.async_handshake(asio::ssl::stream_base::server,
                                                   asio::as_tuple(asio::use_awaitable));
    if (error) co_return;
  }
  for (;;) {
    Request req;
    if (idle.count() > 0) lowest.expires_after(idle);  // on expiry the stream closes the socket
    auto [read_error, n] =
        co_await http::async_read(socket, buffer, req, asio::as_tuple(asio::use_awaitable));
    lowest.expires_never();
    if (read_error) break;
    Response res = co_await answer(req, counts, slots);
    bool keep_alive = req.keep_alive() && res.keep_alive();
    res.keep_alive(keep_alive);
    if (!res.chunked()) res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
    auto [write_error, m] =
        co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    if (write_error || !keep_alive) break;
  }
  beast::error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, Counts& counts, asio::ssl::context* tls,
                             nest::demo::ServiceSlots* slots, std::chrono::milliseconds idle) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(
        asio::make_strand(acceptor.get_executor()), asio::as_tuple(asio::use_awaitable));
    if (error) {
      if (error == asio::error::operation_aborted) co_return;
      continue;  // e.g. too many open files: keep serving the others
    }
    counts.connection();
    auto strand = socket.get_executor();
    beast::tcp_stream stream(std::move(socket));
    if (tls) {
      asio::co_spawn(
          strand,
          serve(asio::ssl::stream<beast::tcp_stream>(std::move(stream), *tls), counts, slots, idle),
          asio::detached);
    } else {
      asio::co_spawn(strand, serve(std::move(stream), counts, slots, idle), asio::detached);
    }
  }
}

constexpr const char* kUsage =
    "usage: nest-demo-target [--port P] [--bind ADDRESS] [--threads N] [--tls CERT KEY] "
    "[--idle-timeout MS] [--slots N --service-ms MS] [--log FILE]\n";

// A mistake: said on stderr with the usage, exit code 2.
int usage(const char* message) {
  std::fprintf(stderr, "nest-demo-target: %s\n%s", message, kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8080, threads = 1, idle_ms = 0, slots = 0, service_ms = 0;
  std::string bind = "127.0.0.1", cert, key, log;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--port")
      port = to_int(value(), -1);
    else if (arg == "--bind")
      bind = std::string(value());
    else if (arg == "--threads")
      threads = to_int(value(), 0);
    else if (arg == "--idle-timeout")
      idle_ms = to_int(value(), -1);
    else if (arg == "--slots")
      slots = to_int(value(), -1);
    else if (arg == "--service-ms")
      service_ms = to_int(value(), -1);
    else if (arg == "--log")
      log = std::string(value());
    else if (arg == "--tls")
      cert = std::string(value()), key = std::string(value());
    else if (arg == "--help" || arg == "-h")
      return std::fputs(kUsage, stdout), 0;
    else
      return usage(("unknown argument " + std::string(arg)).c_str());
  }
  if (port < 0 || port > 65535) return usage("--port takes 0 to 65535");
  if (threads < 1) return usage("--threads takes a number from 1");
  if (idle_ms < 0) return usage("--idle-timeout takes milliseconds from 0 (0: never)");
  if (slots < 0 || service_ms < 0 || (slots > 0) != (service_ms > 0)) {
    return usage("--slots and --service-ms go together, each a number from 1");
  }
  std::unique_ptr<nest::demo::ServiceSlots> service;
  if (slots > 0) {
    service = std::make_unique<nest::demo::ServiceSlots>(static_cast<unsigned>(slots),
                                                         std::chrono::milliseconds(service_ms));
  }

  asio::ssl::context tls(asio::ssl::context::tls_server);
  if (!cert.empty()) {
    try {
      tls.use_certificate_chain_file(cert);
      tls.use_private_key_file(key, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "nest-demo-target: --tls %s %s: %s\n", cert.c_str(), key.c_str(),
                   e.what());
      return 2;
    }
  }
  asio::io_context io(threads);
  Counts counts;
  if (!log.empty()) {
    std::FILE* file = std::fopen(log.c_str(), "w");
    if (!file) return usage(("--log: cannot write " + log).c_str());
    counts.log_to(file);  // open until the process ends
  }
  tcp::acceptor acceptor(io);
  // error_code overloads: the message says what went wrong (Boost's exception text would add
  // its own source location).
  boost::system::error_code ec;
  auto address = asio::ip::make_address(bind, ec);
  if (ec) {
    std::fprintf(stderr, "nest-demo-target: --bind %s: not an IP address\n", bind.c_str());
    return 2;
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  const char* step = "open a socket";
  if (!acceptor.open(endpoint.protocol(), ec)) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    step = "bind";
    if (!acceptor.bind(endpoint, ec)) {
      step = "listen";
      acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
  }
  if (ec) {
    std::string why = ec.message();
    if (ec == asio::error::address_in_use)
      why += ": another program listens on that port (try --port 0 for a free one)";
    if (ec == asio::error::access_denied) why += ": ports below 1024 need privileges";
    std::fprintf(stderr, "nest-demo-target: cannot listen on %s:%d (%s): %s\n", bind.c_str(), port,
                 step, why.c_str());
    return 1;
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    acceptor.close();
    io.stop();
  });
  asio::co_spawn(io,
                 listen(acceptor, counts, cert.empty() ? nullptr : &tls, service.get(),
                        std::chrono::milliseconds(idle_ms)),
                 asio::detached);
  std::printf("listening on %s:%u\n", bind.c_str(), acceptor.local_endpoint().port());
  if (service) {
    std::printf("%d service slot(s) of %d ms: a capacity of %.0f requests/s\n", slots, service_ms,
                service->capacity());
  }
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
