#include "http/fast_transport.h"

#include <cstdlib>

#include "http/fast_session.h"

namespace nest::host {

namespace {

constexpr std::chrono::milliseconds kDeadlineTick{50};

// A proxy the environment asks for (curl honours these; the fast transport cannot).
std::string proxy_from_environment() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value && *value) return std::string(name) + "=" + value;
  }
  return {};
}

}  // namespace

FastTransport::FastTransport(boost::asio::io_context& io, Recorder& recorder,
                             TransportSettings settings)
    : io_(io),
      recorder_(recorder),
      settings_(std::move(settings)),
      proxy_(proxy_from_environment()),
      tls_(boost::asio::ssl::context::tls_client),
      deadline_timer_(io) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(settings_.insecure ? boost::asio::ssl::verify_none
                                          : boost::asio::ssl::verify_peer);
  // Offer HTTP/1.1 by ALPN, as browsers do: a server that speaks HTTP/2 only then refuses the
  // handshake with an alert that FastSession can name, instead of answering in frames.
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(tls_.native_handle(), kAlpn, sizeof kAlpn);
  if (auto url = parse_url(settings_.base_url)) base_ = std::move(*url);
  base_path_ = base_.target == "/" ? std::string() : base_.target;
}

FastTransport::~FastTransport() = default;

std::unique_ptr<Session> FastTransport::new_session(Fiber& fiber) {
  return std::make_unique<FastSession>(*this, fiber);
}

const boost::asio::ip::tcp::resolver::results_type* FastTransport::cached(
    const Origin& origin) const {
  auto it = resolved_.find({origin.host, origin.port});
  return it == resolved_.end() ? nullptr : &it->second;
}

void FastTransport::remember(const Origin& origin,
                             boost::asio::ip::tcp::resolver::results_type results) {
  resolved_[{origin.host, origin.port}] = std::move(results);
}

void FastTransport::watch(FastSession* session) {
  session->watch_prev = nullptr;
  session->watch_next = watched_;
  if (watched_) watched_->watch_prev = session;
  watched_ = session;
  arm_deadline_timer();
}

// Ticks while any session is in flight; idle workers have no timer running.
void FastTransport::arm_deadline_timer() {
  if (timer_armed_) return;
  timer_armed_ = true;
  deadline_timer_.expires_after(kDeadlineTick);
  deadline_timer_.async_wait([this](boost::system::error_code ec) {
    timer_armed_ = false;
    if (!ec) check_deadlines();
  });
}

void FastTransport::unwatch(FastSession* session) {
  if (session->watch_prev)
    session->watch_prev->watch_next = session->watch_next;
  else if (watched_ == session)
    watched_ = session->watch_next;
  if (session->watch_next) session->watch_next->watch_prev = session->watch_prev;
  session->watch_prev = session->watch_next = nullptr;
}

void FastTransport::check_deadlines() {
  auto now = std::chrono::steady_clock::now();
  for (FastSession* s = watched_; s; s = s->watch_next) {
    if (!s->expired() && s->deadline() <= now) s->expire();
  }
  if (watched_) arm_deadline_timer();
}

}  // namespace nest::host
