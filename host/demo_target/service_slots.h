// A bottleneck with a known capacity, for capacity searches to find: a fixed number of service
// slots, each busy for a fixed service time per request. Requests beyond the free slots wait
// in line, first come first served, so past capacity (slots / service time) the throughput
// stays flat and the latency grows with the queue, as a real saturated service's does.
//
// Thread-safety: serve() may be called from any thread's coroutines at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

namespace nest::demo {

class ServiceSlots {
 public:
  ServiceSlots(unsigned slots, std::chrono::milliseconds service);

  // Waits for a free slot, then holds it for the service time.
  boost::asio::awaitable<void> serve();

  // Requests per second it can serve at most.
  double capacity() const;

 private:
  void release();

  const unsigned slots_;
  const std::chrono::milliseconds service_;
  std::mutex mutex_;
  unsigned free_;
  // Requests waiting for a slot, oldest first: each waits on its timer until release()
  // cancels it, handing it the slot.
  std::deque<std::shared_ptr<boost::asio::steady_timer>> waiting_;
};

}  // namespace nest::demo
