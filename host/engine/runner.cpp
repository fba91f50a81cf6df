#include "engine/runner.h"

#include <sys/resource.h>

#include <bit>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <memory>
#include <thread>

#include "engine/worker.h"
#include "http/transport_factory.h"

namespace nest::host {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Warns once when the load generator, not the target, is likely the bottleneck.
class OverloadWatch {
 public:
  explicit OverloadWatch(unsigned threads)
      : cores_(std::max(1u, std::min(threads, std::thread::hardware_concurrency()))) {}

  // Called once a second; returns a warning the first time the generator looks saturated.
  std::string check(std::uint64_t max_lag_us) {
    auto now = Clock::now();
    double cpu = process_cpu_seconds();
    double wall = std::chrono::duration<double>(now - last_wall_).count();
    double usage = wall > 0 ? (cpu - last_cpu_) / (wall * cores_) : 0;
    last_wall_ = now;
    last_cpu_ = cpu;
    // Saturated in 3 of the last 5 seconds: one quiet second must not hide an overload.
    recent_ = (recent_ << 1 | ((usage >= 0.9 || max_lag_us >= 100'000) ? 1u : 0u)) & 0x1f;
    if (warned_ || std::popcount(recent_) < 3) return {};
    warned_ = true;
    char text[256];
    std::snprintf(text, sizeof text,
                  "warning: the load generator is saturated (CPU %.0f%% of %u core(s), event-loop "
                  "lag up to %.0f ms): response times and rates may reflect nest-host, not the "
                  "target. Use more --threads or fewer users per machine.",
                  usage * 100, cores_, max_lag_us / 1000.0);
    return text;
  }

 private:
  unsigned cores_;
  Clock::time_point last_wall_ = Clock::now();
  double last_cpu_ = process_cpu_seconds();
  unsigned recent_ = 0;  // a bit per second, newest lowest: saturated or not
  bool warned_ = false;
};

class Run {
 public:
  Run(const std::vector<TasksetType>& tasksets, const RunSettings& settings, RunObserver& observer)
      : tasksets_(tasksets),
        settings_(settings),
        observer_(observer),
        signals_(io_),
        spawn_timer_(io_),
        tick_timer_(io_),
        end_timer_(io_),
        stop_timer_(io_),
        overload_(settings.threads) {}

  RunOutcome go() {
    prepare_transports();
    for (unsigned i = 0; i < settings_.threads; ++i) {
      workers_.push_back(
          std::make_unique<Worker>(tasksets_, settings_, settings_.seed * 1000003 + i,
                                   [this] { asio::post(io_, [this] { worker_idle(); }); }));
    }
    for (auto& w : workers_) w->start();
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    wait_signal();
    started_ = Clock::now();
    spawn_tick();
    tick(started_ + std::chrono::seconds(1));
    if (settings_.run_time) {
      end_timer_.expires_at(started_ + *settings_.run_time);
      end_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) begin_stop();
      });
    }
    io_.run();
    return outcome_;
  }

 private:
  std::chrono::duration<double> elapsed() const { return Clock::now() - started_; }

  void wait_signal() {
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
  std::uint64_t spawn_target() const {
    double due = std::floor(elapsed().count() * settings_.spawn_rate) + 1;
    return std::min<std::uint64_t>(settings_.users, static_cast<std::uint64_t>(due));
  }

  void spawn_tick() {
    if (stopping_) return;
    std::uint64_t target = spawn_target();
    // Round-robin over workers so each thread gets an even share of users.
    std::vector<std::size_t> batch(workers_.size(), 0);
    for (; spawned_ < target; ++spawned_) ++batch[spawned_ % workers_.size()];
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      if (batch[i]) workers_[i]->add_users(batch[i]);
    }
    if (spawned_ >= settings_.users) return;
    auto step = std::chrono::duration<double>(1.0 / settings_.spawn_rate);
    auto wait = std::max<std::chrono::duration<double>>(step, std::chrono::milliseconds(10));
    spawn_timer_.expires_after(std::chrono::duration_cast<Clock::duration>(wait));
    spawn_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) spawn_tick();
    });
  }

  SampleSet collect() {
    std::vector<std::future<SampleSet>> parts;
    for (auto& w : workers_) parts.push_back(w->take_interval());
    SampleSet merged;
    for (auto& part : parts) merged.merge(part.get());
    return merged;
  }

  void tick(Clock::time_point next) {
    tick_timer_.expires_at(next);
    tick_timer_.async_wait([this, next](boost::system::error_code ec) {
      if (ec) return;
      SampleSet interval = collect();
      std::string warning = overload_.check(interval.max_lag_us);
      if (!warning.empty()) observer_.on_notice(warning);
      if (observer_.on_interval(std::move(interval), elapsed(), spawned_ < settings_.users,
                                false)) {
        begin_stop();
      }
      tick(next + std::chrono::seconds(1));
    });
  }

  void begin_stop() {
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

  void worker_idle() {
    if (++idle_workers_ < workers_.size()) return;
    finish(false);
  }

  // Second signal: stop every loop where it is. Users are left as they are (their coroutines
  // are never resumed or torn down); the caller must exit the process after reporting.
  void halt() {
    observer_.on_notice("halting now");
    outcome_.halted = true;
    for (auto& w : workers_) w->halt_and_join();
    finish(true);
  }

  void finish(bool halted) {
    if (finished_) return;
    finished_ = true;
    SampleSet last;
    if (halted) {
      for (auto& w : workers_) last.merge(w->take_interval_after_halt());
    } else {
      last = collect();
    }
    outcome_.elapsed = elapsed();
    observer_.on_interval(std::move(last), outcome_.elapsed, false, true);
    if (halted) {
      for (auto& w : workers_) w.release();  // deliberately leaked: see halt()
    } else {
      for (auto& w : workers_) w->halt_and_join();
      workers_.clear();
    }
    signals_.cancel();
    io_.stop();
  }

  const std::vector<TasksetType>& tasksets_;
  const RunSettings& settings_;
  RunObserver& observer_;
  asio::io_context io_{1};
  asio::signal_set signals_;
  asio::steady_timer spawn_timer_, tick_timer_, end_timer_, stop_timer_;
  OverloadWatch overload_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Clock::time_point started_;
  std::uint64_t spawned_ = 0;
  std::size_t idle_workers_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
  RunOutcome outcome_;
};

}  // namespace

RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer) {
  Run run(tasksets, settings, observer);
  return run.go();
}

}  // namespace nest::host
