#include "http/curl_multi.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

namespace nest::host {

namespace asio = boost::asio;

struct CurlMulti::Socket {
  Socket(asio::io_context& io, curl_socket_t fd, bool owned)
      : descriptor(io, fd), fd(fd), owned(owned) {}
  // Never closes: the fd may already belong to a newer socket of the same number. Closing is
  // done only where curl asks for it (close_socket).
  ~Socket() {
    if (descriptor.is_open()) descriptor.release();
  }
  asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  bool owned;            // we opened it, so we close it in close_socket
  int wanted = 0;        // CURL_POLL_IN / OUT / INOUT as curl last asked; 0 = not watched
  bool reading = false;  // an async_wait for readability is pending
  bool writing = false;
  bool closed = false;  // released: pending waits must not touch curl
};

CurlMulti::CurlMulti(asio::io_context& io) : io_(io), multi_(curl_multi_init()), timer_(io) {
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Keep every idle keep-alive connection: the pool grows with the users on this thread.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 100000L);
}

CurlMulti::~CurlMulti() {
  // Easy handles still added are removed by their owners before this point; cleanup closes
  // pooled connections through close_socket, which still finds the map intact.
  curl_multi_cleanup(multi_);
  for (auto& [fd, socket] : sockets_) {
    socket->closed = true;
    int released = socket->descriptor.release();
    if (socket->owned) ::close(released);
  }
}

void CurlMulti::adopt(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlMulti::open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMulti::close_socket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

void CurlMulti::start(CURL* easy, TransferObserver* observer) {
  curl_easy_setopt(easy, CURLOPT_PRIVATE, observer);
  CURLMcode rc = curl_multi_add_handle(multi_, easy);
  if (rc != CURLM_OK) throw std::runtime_error(curl_multi_strerror(rc));
}

void CurlMulti::abort(CURL* easy) { curl_multi_remove_handle(multi_, easy); }

curl_socket_t CurlMulti::open_socket(void* self_ptr, curlsocktype, curl_sockaddr* address) {
  auto* self = static_cast<CurlMulti*>(self_ptr);
  int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  self->forget(fd);  // a stale entry for a closed fd of the same number
  self->sockets_[fd] = std::make_shared<Socket>(self->io_, fd, true);
  return fd;
}

void CurlMulti::forget(curl_socket_t fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  it->second->closed = true;
  it->second->descriptor.release();  // before the new registration, never after it
  sockets_.erase(it);
}

int CurlMulti::close_socket(void* self_ptr, curl_socket_t fd) {
  auto* self = static_cast<CurlMulti*>(self_ptr);
  auto it = self->sockets_.find(fd);
  if (it == self->sockets_.end()) return ::close(fd);
  std::shared_ptr<Socket> socket = std::move(it->second);
  self->sockets_.erase(it);
  socket->closed = true;
  // release() deregisters from the reactor and aborts pending waits; then the fd is ours.
  return ::close(socket->descriptor.release());
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
  auto* self = static_cast<CurlMulti*>(self_ptr);
  auto it = self->sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it == self->sockets_.end()) return 0;
    std::shared_ptr<Socket> socket = it->second;
    socket->wanted = 0;
    if (!socket->owned) {  // not ours to close: stop watching and forget it
      self->sockets_.erase(it);
      socket->closed = true;
      socket->descriptor.release();
    }
    return 0;
  }
  if (it == self->sockets_.end()) {
    it = self->sockets_.emplace(fd, std::make_shared<Socket>(self->io_, fd, false)).first;
  }
  it->second->wanted = what;
  self->watch(it->second);
  return 0;
}

void CurlMulti::watch(const std::shared_ptr<Socket>& socket) {
  if ((socket->wanted & CURL_POLL_IN) && !socket->reading) arm(socket, true);
  if ((socket->wanted & CURL_POLL_OUT) && !socket->writing) arm(socket, false);
}

void CurlMulti::arm(const std::shared_ptr<Socket>& socket, bool read) {
  (read ? socket->reading : socket->writing) = true;
  auto kind =
      read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write;
  socket->descriptor.async_wait(kind, [this, socket, read](boost::system::error_code ec) {
    (read ? socket->reading : socket->writing) = false;
    if (socket->closed || ec == asio::error::operation_aborted) return;
    int flag = read ? CURL_POLL_IN : CURL_POLL_OUT;
    if (!(socket->wanted & flag)) return;  // curl changed its mind meanwhile
    socket_action(socket->fd, ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
    if (!socket->closed) watch(socket);
  });
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self_ptr) {
  static_cast<CurlMulti*>(self_ptr)->set_deadline(timeout_ms);
  return 0;
}

void CurlMulti::set_deadline(long timeout_ms) {
  using Clock = std::chrono::steady_clock;
  if (timeout_ms < 0) {  // no timeout: a pending wait will find no deadline and stop
    deadline_ = Clock::time_point::max();
    return;
  }
  if (timeout_ms == 0) {  // "as soon as possible", outside this callback
    deadline_ = Clock::time_point::max();
    if (timeout_posted_) return;
    timeout_posted_ = true;
    asio::post(io_, [this] {
      timeout_posted_ = false;
      socket_action(CURL_SOCKET_TIMEOUT, 0);
    });
    return;
  }
  deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  if (!timer_waiting_ || deadline_ < timer_.expiry()) arm_timer();
}

void CurlMulti::arm_timer() {
  timer_.expires_at(deadline_);
  timer_waiting_ = true;
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // re-armed (a newer wait is pending) or shutting down: touch nothing
    timer_waiting_ = false;
    if (deadline_ == std::chrono::steady_clock::time_point::max()) return;
    if (std::chrono::steady_clock::now() < deadline_) return arm_timer();  // moved later
    deadline_ = std::chrono::steady_clock::time_point::max();
    socket_action(CURL_SOCKET_TIMEOUT, 0);
  });
}

void CurlMulti::socket_action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  finish_done_transfers();
}

void CurlMulti::finish_done_transfers() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode result = msg->data.result;
    TransferObserver* observer = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&observer));
    curl_multi_remove_handle(multi_, easy);
    if (observer) observer->transfer_done(result);
  }
}

}  // namespace nest::host
