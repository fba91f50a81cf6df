#include "service_slots.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nest::demo {
namespace asio = boost::asio;

ServiceSlots::ServiceSlots(unsigned slots, std::chrono::milliseconds service)
    : slots_(slots), service_(service), free_(slots) {}

double ServiceSlots::capacity() const {
  return static_cast<double>(slots_) * 1000.0 / static_cast<double>(service_.count());
}

asio::awaitable<void> ServiceSlots::serve() {
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<asio::steady_timer> turn;
  {
    std::lock_guard lock(mutex_);
    if (free_ > 0) {
      --free_;
    } else {
      turn = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
      waiting_.push_back(turn);
    }
  }
  // Handed a slot when release() cancels the wait (posted to this coroutine's own executor, so
  // the cancel cannot come before the wait began).
  if (turn) co_await turn->async_wait(asio::as_tuple(asio::use_awaitable));
  asio::steady_timer busy(executor, service_);
  co_await busy.async_wait(asio::as_tuple(asio::use_awaitable));
  release();
}

void ServiceSlots::release() {
  std::shared_ptr<asio::steady_timer> next;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      ++free_;
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
  }
  asio::post(next->get_executor(), [next] { next->cancel(); });
}

}  // namespace nest::demo
