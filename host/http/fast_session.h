// One user's session on the fast transport: its connection, cookie jar and buffers.
// Internal to the fast transport (fast_transport.h says how it works).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "http/cookie_jar.h"
#include "http/transport.h"
#include "http/url.h"

namespace nest::host {

class FastTransport;

class FastSession final : public Session, nest::detail::ResponseSink {
 public:
  FastSession(FastTransport& transport, Fiber& fiber);
  ~FastSession() override;

  nest::Response send(const nest::Request& request) override;
  void cancel() override;

  // --- for FastTransport's deadline watch ---
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  bool expired() const { return timed_out_; }
  void expire();  // the request under way ends as timed out
  FastSession* watch_prev = nullptr;
  FastSession* watch_next = nullptr;

 private:
  // One request of a redirect chain.
  struct Hop {
    std::string method;
    Url url;
    std::string body;
  };

  void record_deferred(const nest::Response& response) noexcept override;
  std::string perform(const nest::Request& request, nest::Response& response,
                      std::chrono::microseconds& elapsed);
  std::string exchange(const Hop& hop, const nest::Request& request, nest::Response& response,
                       std::chrono::microseconds& elapsed);
  std::string connect(const Origin& origin);
  std::string handshake(const Origin& origin);
  void bind_source(const boost::asio::ip::tcp::endpoint& target, boost::system::error_code& ec);
  void build(const Hop& hop, const nest::Request& request);
  boost::system::error_code write_request();
  boost::system::error_code read_response(nest::Response& response, bool head, bool& received,
                                          bool& keep_alive);
  std::string describe(boost::system::error_code ec, bool received) const;
  std::chrono::milliseconds timeout_of(const nest::Request& request) const;
  template <typename Start>
  boost::system::error_code wait_for(Start&& start);
  void interrupt();
  void close();
  bool interrupted() const;

  FastTransport& transport_;
  Fiber& fiber_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;  // https only
  CookieJar jar_;
  Origin origin_;                     // where socket_ is connected, when connected_
  bool connected_ = false;
  std::string out_;                   // the request's bytes, rebuilt in place
  boost::beast::flat_buffer in_;      // bytes read and not yet parsed
  std::chrono::steady_clock::time_point deadline_;
  std::uint64_t op_id_ = 0;           // the operation a completion must belong to
  std::uint64_t waits_ = 0;           // operations waited for, ever
  boost::system::error_code result_;  // of the last completed operation
  std::size_t transferred_ = 0;       // bytes it moved, for reads
  bool done_ = false;
  bool in_flight_ = false;
  bool aborted_ = false;
  bool timed_out_ = false;
};

}  // namespace nest::host
