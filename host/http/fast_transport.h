// The fast transport (--transport=fast): HTTP/1.1 keep-alive on Boost.Beast's parser over
// plain Asio sockets, a connection per user, no libcurl.
//
// Why it is fast: a user writes its request with a non-blocking send on its own connection
// (most of the time without waiting), then parks once until the socket is readable, and parses
// the response in place from a buffer it keeps. Buffers, the parser's input and the request's
// bytes are reused from request to request; the only allocations in steady state are the
// Response the task receives (its body and header strings).
//
// It serves http:// and https:// (TLS 1.2/1.3 through OpenSSL, the system's CA certificates,
// host name checked; --insecure skips both), with the user's cookie jar and redirects. A
// request it cannot serve (a proxy set in the environment) fails with a message naming the
// reason and the way out (--transport=curl).
//
// Thread-safety: none; one FastTransport per worker thread, used only from that thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <string>

#include "http/inflater.h"
#include "http/transport.h"
#include "http/url.h"

namespace nest::host {

class FastSession;

class FastTransport final : public Transport {
 public:
  FastTransport(boost::asio::io_context& io, Recorder& recorder, TransportSettings settings);
  ~FastTransport() override;
  std::unique_ptr<Session> new_session(Fiber& fiber) override;

  // --- for FastSession ---
  boost::asio::io_context& io() { return io_; }
  Recorder& recorder() { return recorder_; }
  const TransportSettings& settings() const { return settings_; }
  const std::string& proxy() const { return proxy_; }
  boost::asio::ssl::context& tls() { return tls_; }
  Inflater& inflater() { return inflater_; }
  // --host as a URL (its target is the base path, "/" when none), and that path without a
  // trailing slash ("" for "/"), to join request paths to.
  const Url& base() const { return base_; }
  const std::string& base_path() const { return base_path_; }
  // Addresses of host:port resolved earlier (this worker resolves each name once), or null.
  const boost::asio::ip::tcp::resolver::results_type* cached(const Origin& origin) const;
  void remember(const Origin& origin, boost::asio::ip::tcp::resolver::results_type results);
  // A counter for spreading connections over local source addresses.
  unsigned next_source() { return source_++; }
  // Request deadlines: a session in flight is checked every 50 ms and expired if overdue.
  void watch(FastSession* session);
  void unwatch(FastSession* session);

 private:
  void check_deadlines();
  void arm_deadline_timer();

  boost::asio::io_context& io_;
  Recorder& recorder_;
  TransportSettings settings_;
  std::string proxy_;  // http_proxy from the environment, if any
  boost::asio::ssl::context tls_;
  Inflater inflater_;
  Url base_;
  std::string base_path_;
  std::map<std::pair<std::string, std::uint16_t>, boost::asio::ip::tcp::resolver::results_type>
      resolved_;
  FastSession* watched_ = nullptr;  // intrusive list of sessions in flight
  boost::asio::steady_timer deadline_timer_;
  bool timer_armed_ = false;
  unsigned source_ = 0;
};

}  // namespace nest::host
