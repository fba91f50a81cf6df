#include "engine/worker.h"

#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cstdio>

#include "engine/user.h"
#include "http/transport_factory.h"

namespace nest::host {
namespace asio = boost::asio;

namespace {
std::vector<int> weights_of(const std::vector<TasksetType>& tasksets) {
  std::vector<int> weights;
  for (const auto& t : tasksets) weights.push_back(t.weight);
  return weights;
}
constexpr auto kLagProbe = std::chrono::milliseconds(100);

}  // namespace

Worker::Worker(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
               std::uint64_t seed, std::function<void()> on_idle)
    : tasksets_(tasksets),
      settings_(settings),
      picker_(weights_of(tasksets)),
      work_(io_.get_executor()),
      rng_(seed),
      on_idle_(std::move(on_idle)),
      lag_timer_(io_) {}

Worker::~Worker() {
  if (thread_.joinable()) halt_and_join();
  users_.clear();  // every user has finished: no coroutine frames left behind
}

Transport& Worker::transport(TransportSettings::Kind kind) {
  auto& slot = transports_[static_cast<int>(kind)];
  if (!slot) slot = make_transport(kind, io_, recorder_, settings_.transport);
  return *slot;
}

void Worker::start() {
  watch_lag(std::chrono::steady_clock::now() + kLagProbe);
  thread_ = std::thread([this] { io_.run(); });
}

std::size_t Worker::poll() { return io_.poll(); }

void Worker::add_users(std::size_t n) {
  asio::post(io_, [this, n] {
    for (std::size_t i = 0; i < n && !stopping_; ++i) {
      users_.push_back(std::make_unique<User>(*this));
      User* user = users_.back().get();
      ++alive_;
      asio::spawn(
          io_, std::allocator_arg, boost::context::protected_fixedsize_stack(settings_.stack_size),
          [user](asio::yield_context yield) { user->run(yield); },
          [](std::exception_ptr error) {
            if (!error) return;
            try {
              std::rethrow_exception(error);
            } catch (const std::exception& e) {
              std::fprintf(stderr, "nest-host: a user ended with an engine error: %s\n", e.what());
            } catch (...) {
              std::fprintf(stderr, "nest-host: a user ended with an unknown engine error\n");
            }
          });
    }
  });
}

void Worker::stop_gracefully() {
  asio::post(io_, [this] {
    stopping_ = true;
    for (auto& user : users_) user->stop_gracefully();
    check_idle();
  });
}

void Worker::stop_now() {
  asio::post(io_, [this] {
    stopping_ = true;
    for (auto& user : users_) {
      if (!user->finished()) user->stop_now();
    }
    check_idle();
  });
}

void Worker::user_finished() {
  --alive_;
  check_idle();
}

void Worker::check_idle() {
  if (!stopping_ || alive_ != 0 || idle_reported_) return;
  idle_reported_ = true;
  lag_timer_.cancel();
  if (on_idle_) on_idle_();
}

void Worker::take_interval(std::function<void(SampleSet&&)> done) {
  asio::post(io_, [this, done = std::move(done)] { done(take_locally()); });
}

SampleSet Worker::take_locally() {
  SampleSet set = recorder_.take();
  set.users = alive_;
  set.max_lag_us = std::exchange(max_lag_us_, 0);
  return set;
}

void Worker::halt_and_join() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

SampleSet Worker::take_interval_after_halt() { return take_locally(); }

void Worker::watch_lag(std::chrono::steady_clock::time_point expected) {
  lag_timer_.expires_at(expected);
  lag_timer_.async_wait([this, expected](boost::system::error_code ec) {
    if (ec) return;
    auto now = std::chrono::steady_clock::now();
    auto lag = std::chrono::duration_cast<std::chrono::microseconds>(now - expected).count();
    max_lag_us_ = std::max<std::uint64_t>(max_lag_us_, lag > 0 ? lag : 0);
    watch_lag(now + kLagProbe);
  });
}

}  // namespace nest::host
