#include "engine/worker.h"

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cstdio>
#include <optional>

#include "engine/crash_guard.h"
#include "http/transport_factory.h"
#include "util/sanitizers.h"

namespace nest::host {
namespace asio = boost::asio;

namespace {
// The weights users pick tasksets by: those with a fixed count have their own users, so the
// others share the rest; when every taskset has a fixed count, users beyond them pick among
// all by weight.
std::vector<int> weights_of(const std::vector<TasksetType>& tasksets) {
  std::vector<int> weights;
  bool any_free = false;
  for (const auto& t : tasksets) {
    weights.push_back(t.fixed_count > 0 ? 0 : t.weight);
    any_free = any_free || (t.fixed_count == 0 && t.weight > 0);
  }
  if (!any_free) {
    for (std::size_t i = 0; i < tasksets.size(); ++i) weights[i] = tasksets[i].weight;
  }
  return weights;
}
constexpr auto kLagProbe = std::chrono::milliseconds(100);
// An open-model session this old is named: in the open model a session ends when a task calls
// interrupt(), so a taskset that never does makes sessions pile up to --max-users.
constexpr auto kLingering = std::chrono::seconds(30);

// Under a sanitizer malloc is the sanitizer's, and glibc's malloc_trim must not touch glibc's
// arenas behind its back (it corrupts them: glibc then aborts at thread exit).
constexpr bool kTrimMalloc = !kUnderSanitizer;

}  // namespace

Worker::Worker(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
               std::uint64_t seed, std::function<void()> on_idle,
               std::atomic<std::uint64_t>* sessions)
    : tasksets_(tasksets),
      settings_(settings),
      picker_(weights_of(tasksets)),
      work_(io_.get_executor()),
      rng_(seed),
      sessions_(sessions),
      leave_timer_(io_),
      on_idle_(std::move(on_idle)),
      lag_timer_(io_) {
  User::install_claims();
}

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
  thread_ = std::thread([this] {
    prepare_worker_thread();
    set_thread_rng(&rng_);  // feeders' random() rows follow --seed too
    io_.run();
    std::lock_guard lock(exit_mutex_);
    exited_ = true;
    exit_cv_.notify_all();
  });
}

std::size_t Worker::poll() {
  // As on its own thread: this worker's users run here now (given back even if one throws).
  struct Restore {
    Rng* before;
    ~Restore() { set_thread_rng(before); }
  } restore{set_thread_rng(&rng_)};
  return io_.poll();
}

void Worker::add_users(std::size_t n, int pinned) {
  asio::post(io_, [this, n, pinned] {
    for (std::size_t i = 0; i < n && !stopping_; ++i) {
      spawn(User::Kind::kUser, EngineClock::now(), pinned);
    }
  });
}

void Worker::run_job(std::function<void()> job) {
  asio::post(io_, [this, job = std::move(job)]() mutable {
    users_.push_back(std::make_unique<User>(*this, std::move(job)));
    launch(users_.back().get());
  });
}

void Worker::start_sessions(std::vector<EngineClock::time_point> due) {
  asio::post(io_, [this, due = std::move(due)] {
    for (auto at : due) {
      if (stopping_) {
        if (sessions_) sessions_->fetch_sub(1, std::memory_order_acq_rel);  // never started
        continue;
      }
      spawn(User::Kind::kSession, at);
    }
  });
}

void Worker::spawn(User::Kind kind, EngineClock::time_point due, int pinned) {
  users_.push_back(std::make_unique<User>(*this, kind, due, pinned));
  launch(users_.back().get());
}

// Starts the coroutine of the user just added to users_.
void Worker::launch(User* user) {
  user->slot = users_.size() - 1;
  ++alive_;
  asio::spawn(
      io_, std::allocator_arg, boost::context::protected_fixedsize_stack(settings_.stack_size),
      [user](asio::yield_context yield) { user->run(yield); },
      [this, user](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            std::fprintf(stderr, "nest-host: a user ended with an engine error: %s\n", e.what());
          } catch (...) {
            std::fprintf(stderr, "nest-host: a user ended with an unknown engine error\n");
          }
        }
        release(user);
      });
}

// The coroutine has returned and its stack is gone: the user (its sessions, connections,
// cookie jar) goes too, so users that leave free what they held.
void Worker::release(User* user) {
  std::size_t slot = user->slot;
  if (slot >= users_.size() || users_[slot].get() != user) return;
  if (slot + 1 != users_.size()) {
    std::swap(users_[slot], users_.back());
    users_[slot]->slot = slot;
  }
  users_.pop_back();
  ++released_;
}

void Worker::remove_users(std::size_t n, int pinned) {
  asio::post(io_, [this, n, pinned] {
    if (stopping_) return;
    auto may_leave = [pinned](const User& user) {
      return !user.finished() && !user.leaving() && user.kind() == User::Kind::kUser &&
             user.pinned() == pinned;
    };
    // The users that may leave, by taskset (index tasksets_.size(): between two visits).
    std::size_t kinds = tasksets_.size() + 1;
    std::vector<std::size_t> count(kinds, 0);
    for (auto& user : users_) {
      if (!may_leave(*user)) continue;
      int at = user->visiting();
      ++count[at < 0 ? tasksets_.size() : static_cast<std::size_t>(at)];
    }
    // Who leaves: first those between visits, then one at a time from the taskset furthest
    // above its weight's share of the users that stay (as Locust stops users by class).
    double weights = 0;
    for (std::size_t i = 0; i < tasksets_.size(); ++i) weights += picker_weight(i);
    std::vector<std::size_t> leave(kinds, 0);
    std::size_t in_tasksets = 0;
    for (std::size_t i = 0; i + 1 < kinds; ++i) in_tasksets += count[i];
    std::size_t wanted = n;
    leave.back() = std::min(wanted, count.back());
    wanted -= leave.back();
    for (; wanted > 0 && in_tasksets > 0; --wanted, --in_tasksets) {
      std::size_t best = 0;
      double best_surplus = -1e300;
      for (std::size_t i = 0; i + 1 < kinds; ++i) {
        std::size_t left = count[i] - leave[i];
        if (left == 0) continue;
        double surplus = static_cast<double>(left) -
                         static_cast<double>(in_tasksets) * picker_weight(i) / weights;
        if (surplus > best_surplus) {
          best_surplus = surplus;
          best = i;
        }
      }
      ++leave[best];
    }
    // The newest users of each kind leave first.
    auto deadline = EngineClock::now() + settings_.stop_timeout;
    for (auto it = users_.rbegin(); it != users_.rend(); ++it) {
      User& user = **it;
      if (!may_leave(user)) continue;
      int at = user.visiting();
      std::size_t& quota = leave[at < 0 ? tasksets_.size() : static_cast<std::size_t>(at)];
      if (quota == 0) continue;
      --quota;
      user.leave(deadline);
    }
    arm_leave_timer();
  });
}

// At the earliest deadline of the users leaving: those past their --stop-timeout stop now,
// those past its drain too are cut.
void Worker::arm_leave_timer() {
  std::optional<EngineClock::time_point> earliest;
  auto now = EngineClock::now();
  for (auto& user : users_) {
    if (!user->leaving() || user->finished()) continue;
    auto next = user->leave_deadline();
    if (next <= now) {
      user->stop_now();
      next += settings_.drain_timeout;
      if (next <= now) user->cut();
    }
    if (next > now && (!earliest || next < *earliest)) earliest = next;
  }
  if (!earliest) return;
  leave_timer_.expires_at(*earliest);
  leave_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) arm_leave_timer();
  });
}

void Worker::stop_gracefully() {
  asio::post(io_, [this] {
    stopping_ = true;
    for (auto& user : users_) user->stop_gracefully();
    check_idle();
  });
}

void Worker::stop_now() { stop_users(&User::stop_now); }

void Worker::cut() { stop_users(&User::cut); }

void Worker::stop_users(void (User::*step)()) {
  asio::post(io_, [this, step] {
    stopping_ = true;
    for (auto& user : users_) {
      if (!user->finished()) ((*user).*step)();
    }
    check_idle();
  });
}

void Worker::user_finished(User& user) {
  --alive_;
  if (user.kind() == User::Kind::kSession && sessions_) {
    sessions_->fetch_sub(1, std::memory_order_acq_rel);
  }
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
  // Users that left gave their memory back to malloc; give it back to the system too (glibc
  // keeps freed memory between live blocks otherwise), so that a run that goes down really
  // shrinks. Once a second at most, and only after users left.
  if (std::exchange(released_, 0) > 0 && kTrimMalloc) malloc_trim(0);
  SampleSet set = recorder_.take();
  auto now = EngineClock::now();
  for (auto& user : users_) {
    if (user->finished() || user->visiting() < 0) continue;
    const std::string& name = tasksets_[static_cast<std::size_t>(user->visiting())].name;
    ++set.visiting[name];
    if (user->kind() != User::Kind::kSession) continue;
    if (now - user->visit_began() > kLingering && lingering_named_.insert(name).second) {
      set.lingering.insert(name);
    }
  }
  set.users = alive_;
  set.max_lag_us = std::exchange(max_lag_us_, 0);
  return set;
}

bool Worker::halt_and_join(std::chrono::milliseconds patience) {
  io_.stop();
  if (!thread_.joinable()) return true;
  std::unique_lock lock(exit_mutex_);
  bool back = patience == std::chrono::milliseconds::max()
                  ? (exit_cv_.wait(lock, [this] { return exited_; }), true)
                  : exit_cv_.wait_for(lock, patience, [this] { return exited_; });
  lock.unlock();
  if (back) {
    thread_.join();
  } else {
    thread_.detach();
  }
  return back;
}

SampleSet Worker::take_interval_after_halt() {
  for (auto& user : users_) {
    if (!user->finished()) user->count_cut_after_halt();
  }
  return take_locally();
}

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
