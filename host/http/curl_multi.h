// Drives one libcurl multi handle from one asio::io_context (curl's multi_socket API).
//
// Modelled on curl's maintained event-loop examples (ephiperfifo.c, multi-uv.c): curl tells us
// which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it back
// (CURLMOPT_TIMERFUNCTION); asio waits; we hand readiness back with curl_multi_socket_action.
// Sockets curl opens for transfers are created and closed through us (CURLOPT_OPENSOCKET /
// CLOSESOCKETFUNCTION), so an fd is never closed while asio still watches it; others (the
// resolver's wake-up pipe) are watched but never owned.
//
// Thread-safety: none. One CurlMulti per worker thread; call it only from that thread.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>

namespace nest::host {

// Told when a transfer ends. Set as the easy handle's CURLOPT_PRIVATE by CurlMulti::start.
class TransferObserver {
 public:
  virtual void transfer_done(CURLcode result) = 0;

 protected:
  ~TransferObserver() = default;
};

class CurlMulti {
 public:
  explicit CurlMulti(boost::asio::io_context& io);
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Prepares a new easy handle to run on this multi (socket callbacks). Call once per handle.
  void adopt(CURL* easy);
  // Starts a transfer; `observer->transfer_done` is called later from the io_context, exactly
  // once, unless abort() is called first. The easy handle and observer must stay alive.
  void start(CURL* easy, TransferObserver* observer);
  // Ends a running transfer at once without calling its observer. No-op when not running.
  void abort(CURL* easy);

 private:
  struct Socket;
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int close_socket(void* self, curl_socket_t fd);

  void forget(curl_socket_t fd);  // drops our entry for fd without closing it
  void watch(const std::shared_ptr<Socket>& socket);
  void arm(const std::shared_ptr<Socket>& socket, bool read);
  void socket_action(curl_socket_t fd, int events);
  void set_deadline(long timeout_ms);
  void arm_timer();
  void finish_done_transfers();

  boost::asio::io_context& io_;
  CURLM* multi_;
  // curl's one timeout. Armed lazily: a later deadline leaves the earlier wait in place (it
  // re-arms when it fires), because every re-arm that moves asio's earliest timer costs a
  // timerfd_settime system call.
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timer_waiting_ = false;
  bool timeout_posted_ = false;  // a zero timeout is handled by one post, not the timer
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
};

}  // namespace nest::host
