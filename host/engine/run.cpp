#include "engine/run.h"

#include <pthread.h>
#include <signal.h>

#include <boost/asio/post.hpp>
#include <cmath>
#include <mutex>

#include "engine/guard.h"
#include "engine/user.h"
#include "engine/worker.h"
#include "http/transport_factory.h"

namespace nest::host {
namespace asio = boost::asio;
using Seconds = std::chrono::duration<double>;

namespace {

// `seconds` after `start`, rounded up to the clock's tick, so that a timer set for a moment
// counts the moment as come when it fires.
EngineClock::time_point after(EngineClock::time_point start, double seconds) {
  return start + std::chrono::ceil<EngineClock::duration>(Seconds(seconds));
}

}  // namespace

// One take of every worker's interval under way: the parts are merged as the workers hand
// them over (on their threads), and `done` runs on the run's thread once all are in.
struct Run::Collection {
  std::mutex mutex;
  std::size_t left = 0;  // workers yet to hand over their part
  SampleSet merged;
  std::function<void(SampleSet&&)> done;
};

Run::Run(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
         RunObserver& observer, std::unique_ptr<Schedule> schedule)
    : tasksets_(tasksets),
      settings_(settings),
      observer_(observer),
      schedule_(schedule ? std::move(schedule) : make_schedule(settings)),
      work_(io_.get_executor()),
      signals_(io_),
      schedule_timer_(io_),
      spawn_timer_(io_),
      arrival_timer_(io_),
      tick_timer_(io_),
      end_timer_(io_),
      stop_timer_(io_),
      hooks_timer_(io_),
      max_users_(settings.max_users.value_or(0)) {}

Run::~Run() = default;

RunOutcome Run::go() {
  start(true);
  io_.run();
  return outcome_;
}

void Run::start_driven() { start(false); }

void Run::start(bool threads) {
  prepare_transports();
  bool open = settings_.model == LoadModel::kOpen;
  for (unsigned i = 0; i < settings_.threads; ++i) {
    workers_.push_back(std::make_unique<Worker>(
        tasksets_, settings_, settings_.seed * 1000003 + i,
        [this] { asio::post(io_, [this] { worker_idle(); }); }, open ? &sessions_ : nullptr));
  }
  worker_users_.assign(workers_.size(), 0);
  worker_pinned_.assign(workers_.size(), std::vector<std::uint64_t>(tasksets_.size(), 0));
  if (open) arrivals_ = std::make_unique<ArrivalPlan>(settings_.arrivals, settings_.seed + 7);
  if (threads) {
    overload_ = std::make_unique<OverloadWatch>(settings_.threads);
    for (auto& w : workers_) w->start();
    if (own_stop_signals_) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.add(SIGHUP);  // a closed terminal or ssh session: stop as SIGTERM does
    }
    install_crash_handlers();
    signals_.add(crash_signal());  // a worker crashed in plugin code (engine/crash_guard.h)
    // Whoever came before may have held the stop signals blocked (the dependencies, from the
    // moment they were ready): one sent meanwhile is pending, and reaches the run now.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, s);
    if (own_stop_signals_) pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    wait_signal();
  }
  started_ = EngineClock::now();
  if (hook_types_ && !hook_types_->empty()) {
    start_hooks();
  } else {
    begin_load();
  }
}

void Run::begin_load() {
  load_begun_ = true;
  started_ = EngineClock::now();
  ramp_start_ = started_;
  follow_schedule();
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

Seconds Run::elapsed() const { return EngineClock::now() - started_; }

void Run::wait_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == crash_signal()) {
      if (auto crash = crash_report()) return crashed(*crash);
      return wait_signal();  // a stray SIGUSR2, not a crash
    }
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

void Run::set_target(const LoadTarget& target, std::string mark) {
  asio::post(io_, [this, target, mark = std::move(mark)] {
    if (stopping_) return;
    if (!mark.empty()) results_.mark(elapsed().count(), mark);
    apply(target);
  });
}

void Run::reset_stats(std::string mark) {
  asio::post(io_, [this, mark = std::move(mark)] {
    if (stopping_) {
      observer_.on_notice("statistics not reset: the run is stopping");
      return;
    }
    results_.reset_stats(mark);
    observer_.on_notice("statistics reset: the totals count again from the next second (" + mark +
                        ")");
  });
}

void Run::stop() {
  asio::post(io_, [this] {
    if (stopping_) return;
    outcome_.interrupted = true;
    begin_stop();
  });
}

// Asks the schedule what to aim at now, and sets the timer for its next step.
void Run::follow_schedule() {
  if (stopping_) return;
  schedule_timer_.cancel();
  schedule_next_.reset();
  Schedule::Step step = schedule_->at(elapsed());
  if (!step.mark.empty()) results_.mark(elapsed().count(), step.mark);
  if (!step.problem.empty()) {
    observer_.on_notice(step.problem + ": the run stops");
    outcome_.ended_by = step.problem;
    begin_stop();
    return;
  }
  if (step.target) apply(*step.target);
  if (step.end) {
    begin_stop();
    return;
  }
  if (!step.next) return;
  schedule_next_ = after(started_, step.next->count());
  schedule_timer_.expires_at(*schedule_next_);
  schedule_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) follow_schedule();
  });
}

void Run::apply(const LoadTarget& target) {
  bool open = settings_.model == LoadModel::kOpen;
  if (const auto* users = std::get_if<UsersTarget>(&target)) {
    if (open) {
      observer_.on_notice("a user count was asked of an open-model run: ignored");
      return;
    }
    users_target_ = *users;
    ramp_from_ = users_;
    ramp_start_ = EngineClock::now();
    adjust_users();
    return;
  }
  const auto& rate = std::get<ArrivalTarget>(target);
  if (!open) {
    observer_.on_notice("an arrival rate was asked of a closed-model run: ignored");
    return;
  }
  arrive();  // the arrivals due under the old rate first
  arrival_rate_target_ = rate.rate;
  if (rate.max_users > 0) max_users_ = rate.max_users;
  arrivals_->aim(elapsed().count(), rate.rate, rate.ramp.count());
  arrive();
}

// Closed model: starts or removes the users due by now on the ramp toward the aim, and sets
// the timer for the next. User k of a ramp is due k / spawn_rate seconds after its start (the
// first at once), so the ramp does not drift; the timer waits at least 10 ms (at high rates,
// the users due meanwhile move together).
void Run::adjust_users() {
  if (stopping_) return;
  std::uint64_t from = ramp_from_, to = users_target_.users;
  std::uint64_t distance = to > from ? to - from : from - to;
  double rate = users_target_.spawn_rate;
  std::uint64_t due = distance;
  if (rate > 0 && std::isfinite(rate)) {
    double moved = std::floor(Seconds(EngineClock::now() - ramp_start_).count() * rate) + 1;
    due = std::min<std::uint64_t>(distance, static_cast<std::uint64_t>(moved));
  }
  std::uint64_t wanted = to >= from ? from + due : from - due;
  if (wanted > users_) add_to_workers(wanted - users_);
  if (wanted < users_) remove_from_workers(users_ - wanted);
  if (due >= distance) return;
  auto next = after(ramp_start_, static_cast<double>(due) / rate);
  spawn_timer_.expires_at(std::max(next, EngineClock::now() + std::chrono::milliseconds(10)));
  spawn_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) adjust_users();
  });
}

// New users go to the workers with the fewest, so threads stay even. The tasksets with a fixed
// count get theirs first (in the order found), then the rest pick by weight.
void Run::add_to_workers(std::uint64_t n) {
  users_ += n;
  for (std::size_t t = 0; t < tasksets_.size() && n > 0; ++t) {
    std::uint64_t have = 0;
    for (const auto& pinned : worker_pinned_) have += pinned[t];
    auto fixed = static_cast<std::uint64_t>(std::max(0, tasksets_[t].fixed_count));
    std::uint64_t k = std::min(n, fixed > have ? fixed - have : 0);
    add_batch(k, static_cast<int>(t));
    n -= k;
  }
  add_batch(n, -1);
}

void Run::add_batch(std::uint64_t n, int pinned) {
  if (n == 0) return;
  std::vector<std::size_t> batch(workers_.size(), 0);
  for (std::uint64_t k = 0; k < n; ++k) {
    std::size_t least = 0;
    for (std::size_t i = 1; i < workers_.size(); ++i) {
      if (worker_users_[i] < worker_users_[least]) least = i;
    }
    ++worker_users_[least];
    if (pinned >= 0) ++worker_pinned_[least][static_cast<std::size_t>(pinned)];
    ++batch[least];
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (batch[i]) workers_[i]->add_users(batch[i], pinned);
  }
}

// Users leave the workers with the most; each worker picks who, keeping the taskset mix. Those
// that pick by weight go first; the tasksets' fixed users last (the last taskset's first).
void Run::remove_from_workers(std::uint64_t n) {
  users_ -= std::min(users_, n);
  n = remove_batch(n, -1);
  for (std::size_t t = tasksets_.size(); t-- > 0 && n > 0;) n = remove_batch(n, static_cast<int>(t));
}

std::uint64_t Run::remove_batch(std::uint64_t n, int pinned) {
  // The users of each worker that this batch may take.
  std::vector<std::uint64_t> takeable(workers_.size());
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    std::uint64_t fixed = 0;
    for (auto count : worker_pinned_[i]) fixed += count;
    takeable[i] = pinned >= 0 ? worker_pinned_[i][static_cast<std::size_t>(pinned)]
                              : worker_users_[i] - fixed;
  }
  std::vector<std::size_t> batch(workers_.size(), 0);
  for (; n > 0; --n) {
    std::size_t most = 0;
    for (std::size_t i = 1; i < workers_.size(); ++i) {
      if (takeable[i] > takeable[most]) most = i;
    }
    if (takeable[most] == 0) break;
    --takeable[most];
    --worker_users_[most];
    if (pinned >= 0) --worker_pinned_[most][static_cast<std::size_t>(pinned)];
    ++batch[most];
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (batch[i]) workers_[i]->remove_users(batch[i], pinned);
  }
  return n;
}

// Open model: starts the sessions due by now (each on the next worker in turn), or drops and
// counts those that find --max-users sessions running; then sets the timer for the next one.
void Run::arrive() {
  if (stopping_ || !arrivals_) return;
  double now = elapsed().count();
  std::vector<std::vector<EngineClock::time_point>> batches(workers_.size());
  for (auto at = arrivals_->next(); at && *at <= now; at = arrivals_->next()) {
    arrivals_->consume();
    if (max_users_ && sessions_.load(std::memory_order_acquire) >= max_users_) {
      ++dropped_;
      continue;
    }
    sessions_.fetch_add(1, std::memory_order_acq_rel);
    batches[next_worker_++ % workers_.size()].push_back(after(started_, *at));
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (!batches[i].empty()) workers_[i]->start_sessions(std::move(batches[i]));
  }
  auto next = arrivals_->next();
  if (!next) return;
  arrival_timer_.expires_at(after(started_, *next));
  arrival_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) arrive();
  });
}

double Run::aim() const {
  if (arrivals_) return arrivals_->rate_at(elapsed().count());
  return static_cast<double>(users_target_.users);
}

bool Run::spawning() const { return !arrivals_ && !stopping_ && users_ != users_target_.users; }

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
    // What is due at this very moment counts in it, whichever timer fired first: the end of
    // the run, the schedule's next step, then the users or arrivals due.
    auto now = EngineClock::now();
    if (settings_.run_time && now >= started_ + *settings_.run_time) begin_stop();
    if (!stopping_ && schedule_next_ && now >= *schedule_next_) follow_schedule();
    if (arrivals_) {
      arrive();
    } else {
      adjust_users();
    }
    collect([this](SampleSet&& interval) {
      interval.dropped += std::exchange(dropped_, 0);
      std::optional<double> cpu;
      if (overload_) {
        std::string warning = overload_->check(interval.max_lag_us);
        if (!warning.empty()) observer_.on_notice(warning);
        cpu = overload_->cpu();
      }
      // Sessions starting late: the generator, not the system, is behind (the saturation
      // warning's open-model twin). Once.
      const RowStats& lag = interval.start_lag;
      if (!lag_warned_ && lag.requests >= 10 && lag.times.percentile(0.99) >= 50'000) {
        lag_warned_ = true;
        observer_.on_notice(
            "warning: sessions start late (start lag p99 " +
            std::to_string(lag.times.percentile(0.99) / 1000) +
            " ms in the last second): nest-host cannot keep the arrival schedule, so the run "
            "asks less of the system than planned. Use more --threads, or more processes.");
      }
      for (const auto& name : interval.lingering) {
        observer_.on_notice("taskset " + name +
                            ": a session has run for over 30 s. In the open "
                            "model a session ends when a task calls interrupt(); without it, "
                            "sessions pile up" +
                            (max_users_ ? " to --max-users" : std::string()));
      }
      Seconds at = elapsed();
      results_.add(SampleSet(interval), at.count(), aim());
      if (observer_.on_interval({interval, results_, at, settings_.model, aim(), spawning(), false,
                                 stopping_, cpu})) {
        begin_stop();
      }
    });
    tick(next + std::chrono::seconds(1));
  });
}

// No more spawns, arrivals, schedule steps nor end of the run (and, at the finish, ticks and
// the stop timeout).
void Run::cancel_timers(bool all) {
  schedule_timer_.cancel();
  spawn_timer_.cancel();
  arrival_timer_.cancel();
  end_timer_.cancel();
  if (!all) return;
  tick_timer_.cancel();
  stop_timer_.cancel();
}

void Run::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  stopping_flag_ = true;
  cancel_timers(false);
  for (auto& w : workers_) w->stop_gracefully();
  stop_timer_.expires_after(settings_.stop_timeout);
  stop_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    for (auto& w : workers_) w->stop_now();
    stop_timer_.expires_after(settings_.drain_timeout);
    stop_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      for (auto& w : workers_) w->cut();
    });
  });
}

// Plugin code, on the first worker's thread: what it throws is caught here, the stop and the
// coroutine's unwinding excepted.
namespace {

template <typename Fn>
std::string hook_failure(const std::string& what, Fn&& fn) {
  try {
    fn();
    return {};
  } catch (const boost::context::detail::forced_unwind&) {
    throw;
  } catch (const nest::UserStopped&) {
    return what + " was stopped (the run is stopping)";
  } catch (const nest::Interrupt&) {
    return what + " called interrupt(), which only tasks may";
  } catch (const std::exception& e) {
    return what + " threw: " + e.what();
  } catch (...) {
    return what + " threw an exception not derived from std::exception";
  }
}

}  // namespace

void Run::start_hooks() {
  workers_.front()->run_job([this] {
    std::string failure;
    for (const RunHooksType& type : *hook_types_) {
      std::unique_ptr<nest::RunHooks> hooks;
      failure = hook_failure(type.name + "'s constructor",
                             [&] { hooks.reset(type.create(User::host_services())); });
      if (failure.empty()) failure = hook_failure(type.name + ".on_test_start", [&] {
        hooks->on_test_start();
      });
      if (hooks) hooks_.push_back(std::move(hooks));  // on_test_stop runs even after a failure
      if (!failure.empty()) break;
    }
    asio::post(io_, [this, failure] { hooks_started(failure); });
  });
}

void Run::hooks_started(const std::string& failure) {
  if (stopping_) return;  // stopped meanwhile (Ctrl-C): the workers go idle, finish() follows
  if (!failure.empty()) {
    observer_.on_notice(failure + ": the run stops before any user starts");
    outcome_.ended_by = failure;
    begin_stop();
    return;
  }
  begin_load();
}

void Run::stop_hooks() {
  stop_hooks_run_ = true;
  hooks_timer_.expires_after(kStopHooksLimit);
  hooks_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    observer_.on_notice("on_test_stop has not returned after " +
                        std::to_string(kStopHooksLimit.count()) + " s: the run ends without it");
    finish();
  });
  workers_.front()->run_job([this] {
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < hooks_.size(); ++i) {
      std::string failure = hook_failure((*hook_types_)[i].name + ".on_test_stop",
                                         [&] { hooks_[i]->on_test_stop(); });
      if (!failure.empty()) failures.push_back(failure);
    }
    hooks_.clear();  // destroyed here, on the thread that built them
    asio::post(io_, [this, failures = std::move(failures)] {
      for (const auto& f : failures) observer_.on_notice(f);
      hooks_timer_.cancel();
      finish();
    });
  });
}

void Run::worker_idle() {
  if (++idle_workers_ < workers_.size()) return;
  finish();
}

// Every user has finished: the last interval, then the workers' threads end.
void Run::finish() {
  if (finishing_) return;
  if (!hooks_.empty() && !stop_hooks_run_) {
    stop_hooks();  // then finish() again
    return;
  }
  finishing_ = true;
  cancel_timers(true);
  collect([this](SampleSet&& last) {
    report_final(std::move(last));
    for (auto& w : workers_) w->halt_and_join();
    end_loop();
  });
}

// A worker thread crashed in plugin code and is parked for good (engine/crash_guard.h): halt,
// with the crash in the exceptions of the taskset and task it hit, and in the outcome.
void Run::crashed(const CrashReport& report) {
  outcome_.crash = report;
  halt();
}

// Second signal: stop every loop where it is. Users are left as they are (their coroutines are
// never resumed or torn down); the caller must exit the process after reporting. What the
// workers recorded is all kept: parts already handed over to a take under way, and the rest
// read from the stopped workers.
void Run::halt() {
  if (finishing_) return;  // every user has finished already: the end is moments away
  finishing_ = true;
  observer_.on_notice(outcome_.crash ? "halting now: a crash" : "halting now");
  outcome_.halted = true;
  // A worker whose task never yields (an endless loop) does not stop: it is left as it is, and
  // only the last second of its results is lost.
  std::vector<bool> back;
  std::size_t stuck = 0;
  for (auto& w : workers_) {
    back.push_back(w->halt_and_join(std::chrono::seconds(1)));
    if (!back.back()) ++stuck;
  }
  if (outcome_.crash) {
    observer_.on_notice("the crashed worker thread's last second of results is lost");
  } else if (stuck > 0) {
    observer_.on_notice(std::to_string(stuck) +
                        " worker thread(s) did not stop: a task never "
                        "yields (an endless loop, or a catch (...) that swallows the stop); the "
                        "last second of their results is lost");
  }
  SampleSet last;
  for (auto& collection : collecting_) {
    std::lock_guard lock(collection->mutex);
    last.merge(std::move(collection->merged));
  }
  collecting_.clear();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (back[i]) last.merge(workers_[i]->take_interval_after_halt());
  }
  if (outcome_.crash && !outcome_.crash->taskset.empty()) {
    const CrashReport& crash = *outcome_.crash;
    ++last.exceptions[{crash.taskset, crash.task, "crashed: " + crash.signal}];
  }
  report_final(std::move(last));
  for (auto& w : workers_) w.release();  // deliberately leaked: see above
  end_loop();
}

// The workers are joined (or left): the run's own loop ends.
void Run::end_loop() {
  workers_.clear();
  signals_.cancel();
  work_.reset();
  io_.stop();
  finished_ = true;
}

void Run::report_final(SampleSet&& last) {
  last.dropped += std::exchange(dropped_, 0);
  outcome_.elapsed = elapsed();
  results_.add(SampleSet(last), outcome_.elapsed.count(), aim());
  observer_.on_interval(
      {last, results_, outcome_.elapsed, settings_.model, aim(), false, true, true, std::nullopt});
}

RunOutcome run_load(const std::vector<TasksetType>& tasksets, const RunSettings& settings,
                    RunObserver& observer) {
  Run run(tasksets, settings, observer);
  return run.go();
}

}  // namespace nest::host
