#include "engine/run.h"

#include <boost/asio/post.hpp>
#include <cmath>
#include <mutex>

#include "engine/worker.h"
#include "http/transport_factory.h"

namespace nest::host {
namespace asio = boost::asio;

// One take of every worker's interval under way: the parts are merged as the workers hand
// them over (on their threads), and `done` runs on the run's thread once all are in.
struct Run::Collection {
  std::mutex mutex;
  std::size_t left = 0;  // workers yet to hand over their part
  SampleSet merged;
  std::function<void(SampleSet&&)> done;
};

Run::Run(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
         RunObserver& observer)
    : tasksets_(tasksets),
      settings_(settings),
      observer_(observer),
      work_(io_.get_executor()),
      signals_(io_),
      spawn_timer_(io_),
      tick_timer_(io_),
      end_timer_(io_),
      stop_timer_(io_) {}

Run::~Run() = default;

RunOutcome Run::go() {
  start(true);
  io_.run();
  return outcome_;
}

void Run::start_driven() { start(false); }

void Run::start(bool threads) {
  prepare_transports();
  for (unsigned i = 0; i < settings_.threads; ++i) {
    workers_.push_back(
        std::make_unique<Worker>(tasksets_, settings_, settings_.seed * 1000003 + i,
                                 [this] { asio::post(io_, [this] { worker_idle(); }); }));
  }
  if (threads) {
    overload_ = std::make_unique<OverloadWatch>(settings_.threads);
    for (auto& w : workers_) w->start();
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    wait_signal();
  }
  started_ = EngineClock::now();
  spawn_tick();
  tick(started_ + std::chrono::seconds(1));
  if (settings_.run_time) {
    end_timer_.expires_at(started_ +
                          std::chrono::duration_cast<EngineClock::duration>(*settings_.run_time));
    end_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) begin_stop();
    });
  }
}

std::size_t Run::poll() {
  std::size_t handlers = io_.poll();
  for (auto& w : workers_) handlers += w->poll();
  return handlers;
}

std::size_t Run::users_in_io() const {
  std::size_t users = 0;
  for (const auto& w : workers_) users += w->users_in_io();
  return users;
}

std::chrono::duration<double> Run::elapsed() const { return EngineClock::now() - started_; }

void Run::wait_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    if (!stopping_) {
      observer_.on_notice("stopping: users finish their current task (Ctrl-C again to halt)");
      outcome_.interrupted = true;
      begin_stop();
      wait_signal();
    } else {
      halt();
    }
  });
}

// Users to have started by now: the first at once, then spawn_rate per second.
std::uint64_t Run::spawn_target() const {
  double due = std::floor(elapsed().count() * settings_.spawn_rate) + 1;
  return std::min<std::uint64_t>(settings_.users, static_cast<std::uint64_t>(due));
}

// Starts the users due by now and sets the timer for the next. User k (from 0) is due k /
// spawn_rate seconds after the start, on the engine's clock, so the schedule does not drift;
// the timer waits at least 10 ms (at high rates, the users due meanwhile start together).
void Run::spawn_tick() {
  if (stopping_) return;
  std::uint64_t target = spawn_target();
  // Round-robin over workers so each thread gets an even share of users.
  std::vector<std::size_t> batch(workers_.size(), 0);
  for (; spawned_ < target; ++spawned_) ++batch[spawned_ % workers_.size()];
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (batch[i]) workers_[i]->add_users(batch[i]);
  }
  if (spawned_ >= settings_.users) return;
  // Rounded up, so that spawn_target() counts the user as due when the timer fires.
  auto due = started_ + std::chrono::ceil<EngineClock::duration>(std::chrono::duration<double>(
                            static_cast<double>(spawned_) / settings_.spawn_rate));
  spawn_timer_.expires_at(std::max(due, EngineClock::now() + std::chrono::milliseconds(10)));
  spawn_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) spawn_tick();
  });
}

void Run::collect(std::function<void(SampleSet&&)> done) {
  auto collection = std::make_shared<Collection>();
  collection->left = workers_.size();
  collection->done = std::move(done);
  collecting_.push_back(collection);
  for (auto& w : workers_) {
    w->take_interval([this, collection](SampleSet&& part) {
      std::lock_guard lock(collection->mutex);
      collection->merged.merge(std::move(part));
      if (--collection->left > 0) return;
      asio::post(io_, [this, collection] {
        std::erase(collecting_, collection);
        SampleSet merged;
        {
          std::lock_guard lock(collection->mutex);
          merged = std::move(collection->merged);
        }
        collection->done(std::move(merged));
      });
    });
  }
}

void Run::tick(EngineClock::time_point next) {
  tick_timer_.expires_at(next);
  tick_timer_.async_wait([this, next](boost::system::error_code ec) {
    if (ec || finishing_) return;
    spawn_tick();  // users due at this very moment count in it, whichever timer fired first
    collect([this](SampleSet&& interval) {
      if (overload_) {
        std::string warning = overload_->check(interval.max_lag_us);
        if (!warning.empty()) observer_.on_notice(warning);
      }
      if (observer_.on_interval(std::move(interval), elapsed(), spawned_ < settings_.users,
                                false)) {
        begin_stop();
      }
    });
    tick(next + std::chrono::seconds(1));
  });
}

void Run::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  spawn_timer_.cancel();
  end_timer_.cancel();
  for (auto& w : workers_) w->stop_gracefully();
  stop_timer_.expires_after(settings_.stop_timeout);
  stop_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    for (auto& w : workers_) w->stop_now();
  });
}

void Run::worker_idle() {
  if (++idle_workers_ < workers_.size()) return;
  finish();
}

// Every user has finished: the last interval, then the workers' threads end.
void Run::finish() {
  if (finishing_) return;
  finishing_ = true;
  spawn_timer_.cancel();
  tick_timer_.cancel();
  end_timer_.cancel();
  stop_timer_.cancel();
  collect([this](SampleSet&& last) {
    report_final(std::move(last));
    for (auto& w : workers_) w->halt_and_join();
    workers_.clear();
    signals_.cancel();
    work_.reset();
    io_.stop();
    finished_ = true;
  });
}

// Second signal: stop every loop where it is. Users are left as they are (their coroutines are
// never resumed or torn down); the caller must exit the process after reporting. What the
// workers recorded is all kept: parts already handed over to a take under way, and the rest
// read from the stopped workers.
void Run::halt() {
  if (finishing_) return;  // every user has finished already: the end is moments away
  finishing_ = true;
  observer_.on_notice("halting now");
  outcome_.halted = true;
  for (auto& w : workers_) w->halt_and_join();
  SampleSet last;
  for (auto& collection : collecting_) {
    std::lock_guard lock(collection->mutex);
    last.merge(std::move(collection->merged));
  }
  collecting_.clear();
  for (auto& w : workers_) last.merge(w->take_interval_after_halt());
  report_final(std::move(last));
  for (auto& w : workers_) w.release();  // deliberately leaked: see above
  workers_.clear();
  signals_.cancel();
  work_.reset();
  io_.stop();
  finished_ = true;
}

void Run::report_final(SampleSet&& last) {
  outcome_.elapsed = elapsed();
  observer_.on_interval(std::move(last), outcome_.elapsed, false, true);
}

RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer) {
  Run run(tasksets, settings, observer);
  return run.go();
}

}  // namespace nest::host
