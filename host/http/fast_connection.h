// One user's connection on the fast transport: the name lookup (cached per worker), the TCP
// connect, TLS, and every wait on the socket. A wait parks only the calling user (its Fiber)
// until Asio completes the operation. Internal to the fast transport.
//
// Thread-safety: none; one connection per user, used on its worker thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/transport.h"
#include "http/url.h"

namespace nest::host {

class FastTransport;

class FastConnection {
 public:
  FastConnection(FastTransport& transport, Fiber& fiber);
  ~FastConnection();
  FastConnection(const FastConnection&) = delete;
  FastConnection& operator=(const FastConnection&) = delete;

  // Opens a connection to `origin` (closing the one there was): resolves the name, connects,
  // and for https does the TLS handshake; records the set-up time as a connect. Returns why it
  // failed, in curl's words, or empty (also when interrupted(): the caller checks that).
  std::string connect(const Origin& origin);
  bool connected_to(const Origin& origin) const { return connected_ && origin_ == origin; }
  // Writes `bytes` whole: usually one send() without waiting.
  boost::system::error_code write(std::string_view bytes);
  // Waits for what arrives next and appends it to in().
  boost::system::error_code read_some();
  // Bytes read and not yet parsed; cleared on connect.
  boost::beast::flat_buffer& in() { return in_; }
  const boost::beast::flat_buffer& in() const { return in_; }
  void close();

  // Ends the wait under way at once (it completes as aborted) and every later one until
  // begin(): for a cancelled or timed-out request. Safe from any handler on this thread.
  void interrupt();
  bool interrupted() const { return interrupted_; }
  // A new request starts: interrupt() no longer applies.
  void begin() { interrupted_ = false; }
  // Lets the thread's other users run once (a request that never waited must still yield).
  void yield();
  // Operations waited for, ever: tells whether a request waited at all.
  std::uint64_t waits() const { return waits_; }

 private:
  template <typename Start>
  boost::system::error_code wait_for(Start&& start);
  std::string handshake(const Origin& origin);
  void bind_source(const boost::asio::ip::tcp::endpoint& target, boost::system::error_code& ec);

  FastTransport& transport_;
  Fiber& fiber_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;  // https only
  Origin origin_;  // where socket_ is connected, when connected_
  bool connected_ = false;
  boost::beast::flat_buffer in_;
  std::uint64_t op_id_ = 0;  // the operation a completion must belong to
  std::uint64_t waits_ = 0;
  boost::system::error_code result_;  // of the last completed operation
  std::size_t transferred_ = 0;       // bytes it moved
  bool done_ = false;
  bool interrupted_ = false;
};

}  // namespace nest::host
