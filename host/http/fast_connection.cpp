#include "http/fast_connection.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "http/fast_transport.h"
#include "stats/recorder.h"

namespace nest::host {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {
constexpr std::size_t kReadChunk = 4096;  // read size; the buffer grows only for big replies
}  // namespace

FastConnection::FastConnection(FastTransport& transport, Fiber& fiber)
    : transport_(transport), fiber_(fiber), socket_(transport.io()), resolver_(transport.io()) {
  in_.reserve(kReadChunk);
}

FastConnection::~FastConnection() {
  error_code ignored;
  socket_.close(ignored);
}

void FastConnection::interrupt() {
  interrupted_ = true;
  error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  connected_ = false;
}

void FastConnection::close() {
  tls_.reset();
  error_code ignored;
  socket_.close(ignored);
  connected_ = false;
}

template <typename Start>
error_code FastConnection::wait_for(Start&& start) {
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

void FastConnection::yield() {
  wait_for([&](auto handler) {
    asio::post(transport_.io(), [handler]() mutable { handler(error_code{}); });
  });
}

// Toward a loopback target, connections leave from 127.0.0.1 to 127.0.0.254 in turn: one
// source address has about 28,000 ports toward a target, and as they fill, the kernel's search
// for a free one costs more with every connect. Spread, each source address stays sparse.
// IP_BIND_ADDRESS_NO_PORT leaves the port to connect(), which picks it for the whole 4-tuple.
void FastConnection::bind_source(const tcp::endpoint& target, error_code& ec) {
  if (!target.address().is_v4() || !target.address().is_loopback()) return;
  int on = 1;
  ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
  auto host = static_cast<unsigned char>(1 + transport_.next_source() % 254);
  socket_.bind(tcp::endpoint(asio::ip::address_v4({127, 0, 0, host}), 0), ec);
}

std::string FastConnection::connect(const Origin& origin) {
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
    if (ec) return interrupted_ ? std::string() : "Could not resolve host: " + origin.host;
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
    if (!ec || interrupted_) break;
  }
  if (interrupted_) return {};
  if (ec == boost::system::errc::address_not_available) {
    return "could not connect (" + ec.message() +
           ": no local port left toward this target; see net.ipv4.ip_local_port_range)";
  }
  if (ec) return "could not connect (" + ec.message() + ")";
  socket_.set_option(tcp::no_delay(true), ec);
  if (origin.scheme == "https") {
    std::string error = handshake(origin);
    if (!error.empty() || interrupted_) return error;
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

// TLS 1.2 or 1.3 with SNI; the certificate chain and the host name are checked unless
// --insecure. Failures read as curl's.
std::string FastConnection::handshake(const Origin& origin) {
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
  if (!ec || interrupted_) return {};
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
error_code FastConnection::write(std::string_view bytes) {
  if (tls_) {
    return wait_for(
        [&](auto handler) { asio::async_write(*tls_, asio::buffer(bytes), std::move(handler)); });
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    error_code ec;
    auto rest = asio::buffer(bytes.data() + sent, bytes.size() - sent);
    sent += socket_.write_some(rest, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec = wait_for([&](auto handler) { socket_.async_write_some(rest, std::move(handler)); });
      if (!ec) sent += transferred_;
    }
    if (ec) return ec;
  }
  return {};
}

// async_read_some, not a readiness wait: Asio tries the read at once and, when nothing is there
// yet, queues it without an epoll_ctl call (a wait would cost one per response).
error_code FastConnection::read_some() {
  auto space = in_.prepare(kReadChunk);
  error_code ec = wait_for([&](auto handler) {
    if (tls_)
      tls_->async_read_some(space, std::move(handler));
    else
      socket_.async_read_some(space, std::move(handler));
  });
  if (ec == asio::ssl::error::stream_truncated) return asio::error::eof;  // no TLS goodbye
  if (!ec) in_.commit(transferred_);
  return ec;
}

}  // namespace nest::host
