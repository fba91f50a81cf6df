#include "engine/user.h"

#include <nest/shared.h>

#include <boost/asio/post.hpp>

#include "engine/weighted_picker.h"
#include "engine/worker.h"
#include "shared/shared_store.h"

namespace nest::host {
namespace {

thread_local User* t_current = nullptr;  // the user whose code runs on this thread

nest::detail::UserContext* current_user() { return t_current; }
const nest::detail::Host kHost{&current_user, &shared_data};

// nest::Feeder's claims and releases, made by the user running on the calling thread.
class UserClaims final : public ClaimBroker {
 public:
  std::size_t claim(FeederTable& table, std::chrono::nanoseconds timeout) override {
    return running("claim()").claim_row(table, timeout);
  }
  void release(FeederTable& table, std::size_t row) override {
    running("release()").release_row(table, row);
  }
  bool wait_for(const std::function<void(std::function<void()>)>& arm,
                std::chrono::nanoseconds bound) override {
    if (!t_current) return false;
    t_current->wait_for(arm, bound);
    return true;
  }

 private:
  static User& running(const char* call) {
    if (!t_current) {
      throw std::logic_error(std::string("nest::Feeder::") + call +
                             " works only in a running user's code (tasks, on_start, on_stop)");
    }
    return *t_current;
  }
};

}  // namespace

void User::install_claims() {
  static UserClaims claims;
  set_claim_broker(&claims);
}

const nest::detail::Host* User::host_services() { return &kHost; }

User* User::current() { return t_current; }

User::User(Worker& worker, Kind kind, EngineClock::time_point scheduled, int pinned)
    : worker_(worker), kind_(kind), scheduled_(scheduled), pinned_(pinned), timer_(worker.io()) {}

User::User(Worker& worker, std::function<void()> job)
    : worker_(worker),
      kind_(Kind::kJob),
      scheduled_(EngineClock::now()),
      pinned_(-1),
      job_(std::move(job)),
      timer_(worker.io()) {}

User::~User() = default;

void User::run(boost::asio::yield_context yield) {
  yield_ = &yield;
  t_current = this;  // the coroutine starts; park() sets it again whenever it resumes
  t_running = &running_;
  if (kind_ == Kind::kSession) {
    auto lag =
        std::chrono::duration_cast<std::chrono::microseconds>(EngineClock::now() - scheduled_);
    worker_.recorder().session_started(
        static_cast<std::uint64_t>(std::max<long long>(0, lag.count())));
  }
  if (kind_ == Kind::kJob) {
    auto kind = worker_.settings().transport.kind;  // the run's --transport
    auto& session = sessions_[static_cast<int>(kind)];
    session = worker_.transport(kind).new_session(*this);
    session_ = session.get();
    phase_ = Phase::kTask;
    job_();  // catches what plugin code throws (Run's hooks)
    release_claims();
  }
  while (kind_ != Kind::kJob && !ending()) {
    run_taskset(pinned_ >= 0 ? static_cast<std::size_t>(pinned_)
                             : worker_.taskset_picker().pick(worker_.rng()));
    if (kind_ == Kind::kSession) break;
  }
  phase_ = Phase::kIdle;
  finished_ = true;
  t_running = nullptr;  // this user is freed soon
  t_current = nullptr;  // no code of its runs here any more (nest::Feeder, shared calls ask)
  worker_.user_finished(*this);
}

bool User::ending() const { return worker_.stopping() || leaving_; }

template <typename Start>
void User::park(Start&& start) {
  start(*yield_);
  t_current = this;
  t_running = &running_;
}

// Every call into plugin code.
template <typename Fn>
Outcome User::guarded(const std::string& taskset, std::string_view what, Fn&& fn, bool* threw) {
  running_ = {taskset, what};
  Outcome outcome = call_guarded(worker_.recorder(), taskset, what, std::forward<Fn>(fn), threw);
  running_ = {};
  return outcome;
}

void User::run_taskset(std::size_t index) {
  const TasksetType& type = worker_.tasksets()[index];
  auto kind = transport_of(type, worker_.settings());
  auto& session = sessions_[static_cast<int>(kind)];
  if (!session) session = worker_.transport(kind).new_session(*this);
  session_ = session.get();
  std::unique_ptr<nest::TaskSet> taskset;
  guarded(type.name, "constructor", [&] { taskset.reset(type.create(host_services())); });
  if (!taskset) {  // counted; back off so a failing constructor cannot spin
    release_claims();
    pause(std::chrono::seconds(1));
    return;
  }
  visiting_ = static_cast<int>(index);
  visit_began_ = EngineClock::now();
  bool start_failed = false;
  Outcome outcome = visit(*taskset, type.name, start_failed);
  release_claims();  // what on_stop did not give back (or a throw, or the stop, kept)
  // On_start failed, or nothing to run (--tags): back off, never spin (a session just ends).
  if (outcome == Outcome::kDone && !ending() && kind_ != Kind::kSession &&
      (start_failed || !has_task_to_run(*taskset))) {
    pause(std::chrono::seconds(1));
  }
  nest::WaitTime wait = taskset->wait_policy();
  taskset.reset();
  visiting_ = -1;
  // A session ends with its visit: no pause after it.
  if (outcome == Outcome::kInterruptWait && kind_ == Kind::kUser) {
    wait_after_task(wait, EngineClock::now());
  }
}

bool User::has_task_to_run(const nest::TaskSet& taskset) const {
  for (const auto& task : taskset.tasks()) {
    if (task.weight > 0 && task_selected(task.tags, worker_.settings())) return true;
  }
  return false;
}

Outcome User::visit(nest::TaskSet& taskset, const std::string& name, bool& start_failed) {
  // The tasks that run (a weight above 0, chosen by --tags and --exclude-tags): picked by
  // weight, or in the order written (SequentialTaskSet).
  std::vector<int> weights;
  std::vector<std::size_t> in_order;
  for (std::size_t i = 0; i < taskset.tasks().size(); ++i) {
    const auto& task = taskset.tasks()[i];
    bool runs = task.weight > 0 && task_selected(task.tags, worker_.settings());
    weights.push_back(runs ? task.weight : 0);
    if (runs) in_order.push_back(i);
  }
  WeightedPicker tasks(weights);
  bool sequential = taskset.sequential();
  std::size_t step = 0;

  phase_ = Phase::kOnStart;
  Outcome outcome = guarded(name, "on_start", [&] { taskset.on_start(); }, &start_failed);
  while (outcome == Outcome::kDone && !start_failed && !ending() && !in_order.empty()) {
    std::size_t next = sequential ? in_order[step++ % in_order.size()] : tasks.pick(worker_.rng());
    const auto& task = taskset.tasks()[next];
    auto started = EngineClock::now();
    phase_ = Phase::kTask;
    outcome = guarded(name, task.name, task.run);
    if (outcome != Outcome::kDone || ending()) break;
    wait_after_task(taskset.wait_policy(), started);
  }
  phase_ = Phase::kOnStop;
  guarded(name, "on_stop", [&] { taskset.on_stop(); });
  return outcome;
}

// A task of the taskset under way entered `child` (TaskSet::enter): a visit inside the task,
// named "Parent > task" in the exceptions; then the task goes on where it was.
void User::run_nested(nest::TaskSet& child) {
  RunningCode outer = running_;
  Phase phase = phase_;
  std::string name = std::string(outer.taskset) + " > " + std::string(outer.task);
  bool start_failed = false;  // the child's visit ends; the parent's task goes on
  Outcome outcome = visit(child, name, start_failed);
  // interrupt(false): the pause comes in the child's rhythm before the parent goes on.
  if (outcome == Outcome::kInterruptWait) wait_after_task(child.wait_policy(), EngineClock::now());
  running_ = outer;
  phase_ = phase;  // the parent's task again: a graceful stop lets it finish
  // Stopped inside the child: the parent's task stops there too.
  if (outcome == Outcome::kStopped) throw nest::UserStopped{};
}

void User::wait_after_task(const nest::WaitTime& wait, EngineClock::time_point started) {
  using Kind = nest::WaitTime::Kind;
  switch (wait.kind) {
    case Kind::kNone:
      return;
    case Kind::kConstant:
      return pause(wait.low);
    case Kind::kBetween: {
      auto span = static_cast<double>((wait.high - wait.low).count());
      return pause(wait.low +
                   std::chrono::nanoseconds(static_cast<long long>(span * worker_.rng().unit())));
    }
    case Kind::kPacing: {
      auto next = started + std::chrono::duration_cast<EngineClock::duration>(wait.low);
      auto now = EngineClock::now();
      if (next > now) pause(next - now);
      return;
    }
  }
}

void User::pause(std::chrono::nanoseconds duration) {
  if (duration <= std::chrono::nanoseconds::zero() || ending()) return;
  phase_ = Phase::kWaiting;
  wait_on_timer(duration);
}

void User::sleep(std::chrono::nanoseconds duration) {
  check_stopped();
  wait_on_timer(duration);
  check_stopped();
}

void User::record(std::string_view type, std::string_view name, std::chrono::nanoseconds elapsed,
                  std::uint64_t bytes, const char* error) {
  Recorder& recorder = worker_.recorder();
  std::string kind;  // one word, as a method is: "db x" would read as a type and a name
  if (type.find_first_of(" \t") != std::string_view::npos) {
    kind = type;
    for (char& c : kind) {
      if (c == ' ' || c == '\t') c = '_';
    }
    type = kind;
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  recorder.add(recorder.row(type, name), static_cast<std::uint64_t>(std::max<long long>(0, micros)),
               bytes, error != nullptr, error ? error : "");
}

std::function<void()> User::waker(const std::shared_ptr<bool>& waiting) {
  return [this, waiting] {
    boost::asio::post(worker_.io(), [this, waiting] {
      if (*waiting) timer_.cancel();
    });
  };
}

void User::wait_for(const std::function<void(std::function<void()>)>& arm,
                    std::chrono::nanoseconds bound) {
  check_stopped();
  auto waiting = std::make_shared<bool>(true);
  arm(waker(waiting));  // a wake comes as a post: it runs only once this user is parked
  wait_on_timer(bound);  // ends at the bound, the wake, or a stop
  *waiting = false;
  check_stopped();
}

std::size_t User::claim_row(FeederTable& table, std::chrono::nanoseconds timeout) {
  check_stopped();
  auto wait = std::make_shared<ClaimWait>();
  // Whether this user still waits for `wait`: a wake that comes after the wait ended (its
  // timeout, a stop) must not cut short whatever this user's timer does next.
  auto waiting = std::make_shared<bool>(false);
  wait->wake = waker(waiting);
  std::optional<std::size_t> row = table.claim_or_wait(wait, timeout);
  if (!row) {
    if (auto bound = table.wait_bound(timeout); bound > std::chrono::nanoseconds::zero()) {
      *waiting = true;
      wait_on_timer(bound);  // ends at the timeout, a grant's (or the master's) wake, or a stop
      *waiting = false;
    }
    row = table.stop_waiting(wait);
  }
  if (row) claims_.emplace_back(&table, *row);  // held, even if the stop below throws
  check_stopped();
  if (row && ending() && phase_ == Phase::kOnStart) {
    // The run (or this user) stops: no visit begins with the row a waiting user got.
    release_row(table, *row);
    throw nest::UserStopped{};
  }
  if (!row) throw nest::ClaimTimeout(table.timeout_message(timeout));
  return *row;
}

void User::release_row(FeederTable& table, std::size_t row) {
  for (auto it = claims_.begin(); it != claims_.end(); ++it) {
    if (it->first == &table && it->second == row) {
      claims_.erase(it);
      table.give_back(row);
      return;
    }
  }
  throw std::logic_error("nest::Feeder::release: row " + std::to_string(row) + " of " +
                         table.name() + " is not held by this user");
}

void User::release_claims() {
  for (auto& [table, row] : claims_) table->give_back(row);
  claims_.clear();
}

void User::wait_on_timer(std::chrono::nanoseconds duration) {
  timer_.expires_after(std::chrono::duration_cast<EngineClock::duration>(duration));
  park([this](boost::asio::yield_context& yield) {
    boost::system::error_code ec;  // cancelled by a stop: not an error
    timer_.async_wait(yield[ec]);
  });
}

void User::suspend() {
  worker_.user_in_io(true);
  park([this](boost::asio::yield_context& yield) {
    boost::asio::async_initiate<boost::asio::yield_context, void()>(
        [this](ParkHandler handler) { parked_.emplace(std::move(handler)); }, yield);
  });
  worker_.user_in_io(false);
}

void User::resume() {
  if (!parked_) return;
  // Posted, never run inline: the caller is in the middle of curl's bookkeeping.
  ParkHandler handler = std::move(*parked_);
  parked_.reset();
  boost::asio::post(worker_.io(), std::move(handler));
}

void User::check_stopped() {
  if (cut_ || (cancelled_ && phase_ != Phase::kOnStop)) throw nest::UserStopped{};
}

void User::stop_gracefully() {
  if (phase_ == Phase::kWaiting) timer_.cancel();
}

void User::leave(EngineClock::time_point deadline) {
  leaving_ = true;
  leave_deadline_ = deadline;
  stop_gracefully();
}

void User::stop_now() {
  cancelled_ = true;
  if (phase_ == Phase::kOnStop) return;  // on_stop may make its requests until the cut
  timer_.cancel();
}

void User::cut() {
  cancelled_ = cut_ = true;
  for (auto& session : sessions_) {
    if (session) session->cancel();
  }
  timer_.cancel();
}

void User::count_cut_after_halt() {
  for (auto& session : sessions_) {
    if (session && session->row_in_flight() >= 0) {
      worker_.recorder().cut(static_cast<unsigned>(session->row_in_flight()));
    }
  }
}

}  // namespace nest::host
