#include "cluster/master.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <zmq.hpp>

#include "cluster/hooks_run.h"
#include "cluster/shared_service.h"
#include "cluster/shares.h"
#include "cluster/wire.h"

namespace nest::host {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

// How long after the plans the workers start: time for the plans to reach them.
constexpr double kStartIn = 0.5;

// SIGINT, SIGTERM and SIGHUP, held for this thread and read between polls.
class Signals {
 public:
  Signals() {
    sigemptyset(&set_);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, s);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~Signals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  bool take() {
    timespec none{0, 0};
    return sigtimedwait(&set_, nullptr, &none) > 0;
  }

 private:
  sigset_t set_, old_;
};

std::string text_of(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

// What is wrong with a worker's join, or empty.
std::string join_problem(const JoinMessage& join, const std::vector<TasksetType>& tasksets) {
  if (join.version != NEST_VERSION) {
    return "it runs nest-host " + join.version + ", the master " NEST_VERSION;
  }
  if (join.abi != nest::kAbiVersion) {
    return "its plugins are for SDK ABI " + std::to_string(join.abi) + ", the master's " +
           std::to_string(nest::kAbiVersion);
  }
  std::set<std::string> theirs;
  for (const auto& t : join.tasksets) theirs.insert(t.name);
  std::string missing;
  for (const auto& t : tasksets) {
    if (!theirs.count(t.name)) missing += (missing.empty() ? "" : ", ") + t.name;
  }
  if (!missing.empty()) {
    std::string found;
    for (const auto& name : theirs) found += (found.empty() ? "" : ", ") + name;
    return "it lacks the taskset(s) " + missing + " of the master (it has: " +
           (found.empty() ? "none" : found) + ")";
  }
  return {};
}

// The aim's size: users (closed) or arrivals a second (open).
double size_of(const LoadTarget& aim) {
  if (const auto* users = std::get_if<UsersTarget>(&aim)) return static_cast<double>(users->users);
  return std::get<ArrivalTarget>(aim).rate;
}

// An open-model share's --max-users; 0: none.
std::uint64_t cap_of(const LoadTarget& share) {
  const auto* arrivals = std::get_if<ArrivalTarget>(&share);
  return arrivals ? arrivals->max_users : 0;
}

std::string describe(const LoadTarget& share) {
  char text[96];
  if (const auto* users = std::get_if<UsersTarget>(&share)) {
    std::snprintf(text, sizeof text, "%llu users at %.2f/s",
                  static_cast<unsigned long long>(users->users), users->spawn_rate);
  } else {
    std::snprintf(text, sizeof text, "%.2f arrivals/s", std::get<ArrivalTarget>(share).rate);
  }
  return text;
}

}  // namespace

struct Master::Peer {
  std::string identity;  // the ROUTER's routing id of its DEALER
  std::uint32_t index = 0;
  std::uint64_t sequence = 0;  // the last report applied
  SampleSet cumulative;
  std::uint64_t users = 0;
  std::map<std::string, std::uint64_t> visiting;
  bool spawning = true;
  bool final = false;
  Clock::time_point last_heard;  // its last message
  bool missing = false;          // silent for kMissingAfter; back when it reports again
  std::uint64_t applied_requests = 0;  // of its intervals, to check against its cumulative state
  bool planned = false;                // its plan was sent
  bool ending = false;                 // its run stops before the run's: it takes no share
  std::optional<LoadTarget> share;     // the last share it was given; none: give it one
  WorkerRecord record;
};

// One go(): the socket, the workers, the plan followed, the merge.
class Master::Loop {
 public:
  explicit Loop(Master& master)
      : m_(master),
        socket_(context_, zmq::socket_type::router),
        handshakes_(context_, zmq::socket_type::pair) {}
  RunOutcome go();

 private:
  void send(const std::string& identity, const std::string& frame);
  // Says, once, that a worker failed the handshake: it holds another key, or none, or one
  // where the master has none.
  void check_handshakes();
  std::optional<std::pair<std::string, std::string>> receive(std::chrono::milliseconds wait);
  bool join();  // false: the run does not start (outcome_.ended_by says why)
  // Sends the plans; false when the plan ended (or failed) before they went out.
  bool start();
  void follow_schedule();
  void take_requests();
  void check_silence();
  void handle(const std::string& identity, const std::string& payload);
  // Sends the claims the shared data answered since the last turn (rows released, timeouts).
  void answer_claims();
  void late_join(const std::string& identity, const JoinMessage& join);
  // Sends each worker taking part its share of the aim where it changed (`all`: to every one,
  // a new aim); an open-model ramp under way goes on for the time it has left.
  void steer(bool all);
  std::vector<Peer*> taking_part();
  // The aim as it is left now: an open-model ramp under way, for the time it has left.
  LoadTarget aim_left() const;
  // `aim` split over `n` workers, with their shares of --max-users (open model).
  std::vector<LoadTarget> shares_for(const LoadTarget& aim, std::size_t n) const;
  void tick(bool final);
  void finish_checks();
  void stop_all();
  // Sends `peer` its plan: its share of the aim (and of --max-users), the run time left, when
  // to start.
  void give_plan(Peer& peer, const LoadTarget& share, double run_time_s, double start_in_s);
  void event(Peer& peer, const std::string& what, const std::string& notice);
  void publish();
  double elapsed() const { return Seconds(Clock::now() - started_).count(); }
  // Whether the run has more than a second left (-t), or no end of its own.
  bool time_left() const {
    return !m_.run_.run_time || m_.run_.run_time->count() / 1000.0 - elapsed() > 1;
  }

  Master& m_;
  Signals signals_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  std::unique_ptr<KeyCheck> key_check_;  // before the socket goes, after the context came
  zmq::socket_t handshakes_;             // the socket's failed handshakes (monitor)
  bool handshake_said_ = false;
  RunOutcome outcome_;
  std::deque<Peer> peers_;  // stable addresses: taking_part() points into it
  std::uint64_t run_id_ = 0;
  Clock::time_point started_;
  LoadTarget aim_ = UsersTarget{};
  Clock::time_point aim_set_;
  std::optional<double> schedule_next_;  // elapsed seconds; none: the plan asks no more
  SampleSet pending_;
  bool stopping_ = false, halted_ = false;
  std::optional<Clock::time_point> stop_asked_;
  SharedService shared_{shared_store()};  // every worker's claims, counters and values
  Clock::time_point next_tick_;
  Clock::time_point last_turn_;  // check_silence's last turn
};

Master::Master(const MasterSettings& settings, const RunSettings& run,
               const std::vector<TasksetType>& tasksets, RunObserver& observer,
               std::unique_ptr<Schedule> schedule)
    : settings_(settings),
      run_(run),
      tasksets_(tasksets),
      observer_(observer),
      schedule_(schedule ? std::move(schedule) : make_schedule(run)) {}

Master::~Master() = default;

RunOutcome Master::go() { return Loop(*this).go(); }

void Master::set_target(const LoadTarget& target, std::string mark) {
  std::lock_guard lock(mutex_);
  requests_.target = {target, std::move(mark)};
}

void Master::stop() {
  std::lock_guard lock(mutex_);
  requests_.stop = true;
}

void Master::reset_stats(std::string mark) {
  std::lock_guard lock(mutex_);
  requests_.resets.push_back(std::move(mark));
}

std::vector<WorkerRecord> Master::workers() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void Master::Loop::send(const std::string& identity, const std::string& frame) {
  try {
    // Never blocks: a worker whose queue is full (frozen, cut off) misses this message rather
    // than stall the master and every other worker. Its silence is accounted for.
    if (socket_.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      socket_.send(zmq::buffer(frame), zmq::send_flags::dontwait);
    }
  } catch (const zmq::error_t&) {
    // gone: its reports stop, which the end of the run accounts for
  }
}

void Master::Loop::check_handshakes() {
  zmq::message_t event;
  if (!handshakes_.recv(event, zmq::recv_flags::dontwait)) return;
  while (event.more() && handshakes_.recv(event, zmq::recv_flags::dontwait)) {
  }
  if (handshake_said_) return;
  handshake_said_ = true;
  std::fprintf(stderr, "nest-host: a worker failed the handshake: %s\n",
               m_.settings_.key ? "it holds another --cluster-key, or none"
                                : "it holds a --cluster-key, and this master none");
}

std::optional<std::pair<std::string, std::string>> Master::Loop::receive(
    std::chrono::milliseconds wait) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, wait) <= 0) return std::nullopt;
  zmq::message_t identity, payload;
  if (!socket_.recv(identity, zmq::recv_flags::dontwait)) return std::nullopt;
  while (identity.more()) {
    if (!socket_.recv(payload, zmq::recv_flags::none)) return std::nullopt;
    if (!payload.more()) break;
  }
  return std::pair{text_of(identity), text_of(payload)};
}

bool Master::Loop::join() {
  const MasterSettings& settings = m_.settings_;
  auto deadline = Clock::now() + settings.join_timeout;
  auto count = [&] {
    return std::to_string(peers_.size()) + " of " + std::to_string(settings.expect_workers);
  };
  auto beat = Clock::now();
  while (peers_.size() < settings.expect_workers) {
    if (Clock::now() - beat >= std::chrono::seconds(1)) {  // those here: the master is there
      beat = Clock::now();
      for (const auto& p : peers_) send(p.identity, encode(HeartbeatMessage{0}));
    }
    bool stop_asked = false;
    {
      std::lock_guard lock(m_.mutex_);
      stop_asked = std::exchange(m_.requests_.stop, false);
    }
    if (signals_.take() || stop_asked) {
      outcome_.interrupted = true;
      outcome_.ended_by = "stopped while waiting for workers (" + count() + " had joined)";
      return false;
    }
    if (m_.join_watch_) {
      if (std::string why = m_.join_watch_(); !why.empty()) {
        outcome_.ended_by = "worker " + why + " before it joined (" + count() + " had)";
        return false;
      }
    }
    auto now = Clock::now();
    if (now >= deadline) {
      outcome_.ended_by = "only " + count() + " workers joined within " +
                          std::to_string(settings.join_timeout.count() / 1000) +
                          " s (--expect-workers-max-wait)";
      return false;
    }
    check_handshakes();
    auto frame = receive(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(200),
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
    if (!frame) continue;
    const std::string& identity = frame->first;  // not a structured binding: lambdas take it
    const std::string& payload = frame->second;
    try {
      if (message_type(payload) != MessageType::kJoin) continue;
      JoinMessage join = decode_join(payload);
      if (std::any_of(peers_.begin(), peers_.end(),
                      [&](const Peer& p) { return p.identity == identity; })) {
        continue;
      }
      if (std::string problem = join_problem(join, m_.tasksets_); !problem.empty()) {
        std::fprintf(stderr, "nest-host: worker %s refused: %s\n", join.worker.c_str(),
                     problem.c_str());
        send(identity, encode(RefuseMessage{"the master at " + settings.bind + " refused it: " + problem}));
        continue;
      }
      Peer& peer = peers_.emplace_back();
      peer.identity = identity;
      peer.index = static_cast<std::uint32_t>(peers_.size() - 1);
      peer.record.name = join.worker;
      std::printf("Worker %zu of %zu joined: %s\n", peers_.size(), settings.expect_workers,
                  join.worker.c_str());
      std::fflush(stdout);
    } catch (const WireError& e) {
      std::fprintf(stderr, "nest-host: ignored a message: %s\n", e.what());
    }
  }
  return true;
}

// The plan's first step, each worker's plan with its share, one start time.
bool Master::Loop::start() {
  run_id_ = std::random_device{}();
  run_id_ = (run_id_ << 32) ^ static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  started_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(Seconds(kStartIn));
  aim_ = m_.run_.model == LoadModel::kOpen ? LoadTarget{ArrivalTarget{}} : LoadTarget{UsersTarget{}};
  aim_set_ = started_;
  schedule_next_ = 0;
  follow_schedule();  // at 0: the first aim, and the first mark at 0
  if (stopping_) return false;  // the plan ended or failed at 0: each worker was told
  const RunSettings& run = m_.run_;
  auto shares = shares_for(aim_, peers_.size());
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    give_plan(peers_[i], shares[i], run.run_time ? run.run_time->count() / 1000.0 : 0, kStartIn);
    peers_[i].last_heard = Clock::now();  // silence counts from the start, not from its join
  }
  next_tick_ = started_ + std::chrono::seconds(1);
  m_.started_flag_.store(true, std::memory_order_relaxed);
  last_turn_ = Clock::now();
  publish();
  return true;
}

// Asks the plan what to aim at now (the master's clock), as Run::follow_schedule does.
void Master::Loop::follow_schedule() {
  if (stopping_ || !schedule_next_ || std::max(0.0, elapsed()) < *schedule_next_) return;
  double at = std::max(0.0, elapsed());
  schedule_next_.reset();
  Schedule::Step step = m_.schedule_->at(Seconds(at));
  if (!step.mark.empty()) m_.results_.mark(at, step.mark);
  if (!step.problem.empty()) {
    m_.observer_.on_notice(step.problem + ": the run stops");
    outcome_.ended_by = step.problem;
    stop_all();
    return;
  }
  if (step.target) {
    aim_ = *step.target;
    aim_set_ = std::max(Clock::now(), started_);  // a ramp begins when the workers do
    steer(true);  // to no one before the plans: start() shares the first aim
  }
  if (step.end) {
    stop_all();
    return;
  }
  if (step.next) schedule_next_ = step.next->count();
}

void Master::Loop::take_requests() {
  Requests requests;
  {
    std::lock_guard lock(m_.mutex_);
    requests = std::exchange(m_.requests_, {});
  }
  for (auto& mark : requests.resets) {
    if (stopping_) {
      m_.observer_.on_notice("statistics not reset: the run is stopping");
      continue;
    }
    m_.results_.reset_stats(mark);
    m_.observer_.on_notice("statistics reset: the totals count again from the next second (" +
                           mark + ")");
  }
  if (requests.target && !stopping_) {
    if (!requests.target->second.empty()) m_.results_.mark(std::max(0.0, elapsed()), requests.target->second);
    aim_ = requests.target->first;
    aim_set_ = Clock::now();
    schedule_next_.reset();  // the plan's steps give way to the person's aim
    steer(true);
  }
  if (requests.stop && !stopping_) {
    outcome_.interrupted = true;
    stop_all();
  }
}

std::vector<Master::Peer*> Master::Loop::taking_part() {
  std::vector<Peer*> peers;
  for (auto& p : peers_) {
    if (p.final || !p.planned || p.ending) continue;
    if (p.missing && m_.settings_.rebalance) continue;
    peers.push_back(&p);
  }
  return peers;
}

std::vector<LoadTarget> Master::Loop::shares_for(const LoadTarget& aim, std::size_t n) const {
  std::vector<LoadTarget> shares = share_target(aim, n);
  if (!m_.run_.max_users || !std::holds_alternative<ArrivalTarget>(aim)) return shares;
  auto caps = share_users(*m_.run_.max_users, 0, n);
  for (std::size_t i = 0; i < n; ++i) {
    std::get<ArrivalTarget>(shares[i]).max_users = std::max<std::uint64_t>(1, caps[i].users);
  }
  return shares;
}

LoadTarget Master::Loop::aim_left() const {
  LoadTarget aim = aim_;
  if (auto* arrivals = std::get_if<ArrivalTarget>(&aim)) {
    Seconds gone = Clock::now() - aim_set_;
    arrivals->ramp = arrivals->ramp > gone ? arrivals->ramp - gone : Seconds(0);
  }
  return aim;
}

void Master::Loop::steer(bool all) {
  if (stopping_) return;
  std::vector<Peer*> peers = taking_part();
  if (peers.empty()) return;
  auto shares = shares_for(all ? aim_ : aim_left(), peers.size());
  for (std::size_t i = 0; i < peers.size(); ++i) {
    Peer& p = *peers[i];
    bool same = p.share && p.share->index() == shares[i].index() &&
                size_of(*p.share) == size_of(shares[i]) && cap_of(*p.share) == cap_of(shares[i]);
    if (same && !all) continue;
    p.share = shares[i];
    send(p.identity, encode(SteerMessage{run_id_, shares[i]}));
  }
}

void Master::Loop::give_plan(Peer& peer, const LoadTarget& share, double run_time_s,
                             double start_in_s) {
  const RunSettings& run = m_.run_;
  PlanMessage plan;
  plan.run_id = run_id_;
  plan.index = peer.index;
  plan.workers = static_cast<std::uint32_t>(peers_.size());  // every one that joined so far
  plan.host = run.transport.base_url;
  plan.open = run.model == LoadModel::kOpen;
  plan.arrivals = run.arrivals == Arrivals::kPoisson;
  plan.max_users = cap_of(share);
  plan.target = share;
  plan.run_time_s = run_time_s;
  plan.start_in_s = start_in_s;
  plan.seed = run.seed + 7919 * (peer.index + 1);
  for (const auto& t : m_.tasksets_) plan.weights.emplace_back(t.name, t.weight);
  send(peer.identity, encode(plan));
  peer.planned = true;
  peer.share = share;
}

void Master::Loop::event(Peer& peer, const std::string& what, const std::string& notice) {
  double at = std::max(0.0, elapsed());
  peer.record.events.push_back({at, what});
  m_.results_.mark(at, "worker " + peer.record.name + " " + what);
  m_.observer_.on_notice(notice);
  publish();
}

void Master::Loop::publish() {
  std::vector<WorkerRecord> records;
  for (const auto& p : peers_) {
    records.push_back(p.record);
    records.back().requests = p.applied_requests;
    records.back().final_report = p.final;
  }
  std::lock_guard lock(m_.mutex_);
  m_.records_ = std::move(records);
}

// A worker silent this long is missing: its results up to its last report stay, the run goes
// on without it (and ends without waiting for it); its share moves to the others.
void Master::Loop::check_silence() {
  // Silence counts only while the master listens: a turn of its loop takes 100 ms at most, so
  // a longer gap is time it was frozen or starved, whatever the workers said then.
  auto turn = Clock::now();
  if (turn - last_turn_ > std::chrono::seconds(1)) {
    for (auto& p : peers_) p.last_heard += turn - last_turn_;
  }
  last_turn_ = turn;
  bool moved = false;
  for (auto& p : peers_) {
    if (p.final || p.missing || Clock::now() - p.last_heard <= kMissingAfter) continue;
    p.missing = true;
    // Its users are gone for the run (a share of nothing waits for it if it comes back).
    std::size_t rows = shared_.release_all(p.index);
    std::string share = p.share && m_.settings_.rebalance && !stopping_
                            ? "; its share (" + describe(*p.share) + ") moves to the others"
                            : "";
    event(p, "missing",
          "worker " + p.record.name + " is missing: nothing from it for " +
              std::to_string(kMissingAfter.count()) + " s; what it reported so far is kept" +
              share +
              (rows ? "; the " + std::to_string(rows) + " feeder row(s) its users held are released"
                    : ""));
    if (!share.empty()) {
      // Waiting for it when it comes back (thawed, its link up again): none of its old share,
      // until the master gives it a new one.
      LoadTarget none = std::holds_alternative<UsersTarget>(aim_) ? LoadTarget{UsersTarget{}}
                                                                  : LoadTarget{ArrivalTarget{}};
      send(p.identity, encode(SteerMessage{run_id_, none}));
      p.share = none;
    }
    moved = true;
  }
  if (moved && m_.settings_.rebalance) steer(false);
}

void Master::Loop::late_join(const std::string& identity, const JoinMessage& join) {
  const RunSettings& run = m_.run_;
  std::string refused;
  double remaining = run.run_time ? run.run_time->count() / 1000.0 - elapsed() : 0;
  if (stopping_) {
    refused = "the run is stopping";
  } else if (!m_.settings_.rebalance) {
    refused = "the run has started without it (--no-rebalance keeps the plan's workers)";
  } else if (run.run_time && remaining < 1) {
    refused = "the run is about to end";
  } else if (std::string problem = join_problem(join, m_.tasksets_); !problem.empty()) {
    refused = "the master at " + m_.settings_.bind + " refused it: " + problem;
  }
  if (!refused.empty()) {
    send(identity, encode(RefuseMessage{refused}));
    return;
  }
  Peer& peer = peers_.emplace_back();
  peer.identity = identity;
  peer.index = static_cast<std::uint32_t>(peers_.size() - 1);
  peer.record.name = join.worker;
  peer.last_heard = Clock::now();
  // Its share first (so it starts with it), then the others' new ones.
  std::vector<Peer*> peers = taking_part();
  peers.push_back(&peer);
  LoadTarget share = shares_for(aim_left(), peers.size()).back();
  give_plan(peer, share, run.run_time ? remaining : 0, 0);
  event(peer, "joined", "worker " + join.worker + " joined during the run: " + describe(share));
  steer(false);
}

void Master::Loop::handle(const std::string& identity, const std::string& payload) {
  auto peer = std::find_if(peers_.begin(), peers_.end(),
                           [&](const Peer& p) { return p.identity == identity; });
  try {
    MessageType type = message_type(payload);
    if (type == MessageType::kJoin && peer == peers_.end()) {
      late_join(identity, decode_join(payload));
      return;
    }
    std::optional<ReportMessage> report_read;
    if (peer == peers_.end() && type == MessageType::kReport) {
      // A worker that reconnected (its socket's new routing id): known by its run and number.
      report_read = decode_report(payload);
      peer = std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) {
        return report_read->run_id == run_id_ && p.index == report_read->index;
      });
      if (peer != peers_.end()) peer->identity = identity;
    }
    if (peer == peers_.end()) return;
    peer->last_heard = Clock::now();
    if (type == MessageType::kShared) {
      SharedCall call = decode_shared_call(payload);
      if (call.run_id != run_id_) return;
      if (peer->missing) {  // its rows were released and its share moved: its users are done
        if (call.op != SharedOp::kRelease && call.op != SharedOp::kCancel) {
          SharedReply refused{call.id, SharedReply::Status::kError, 0, 0, false,
                              "this worker was missing, its rows released: it takes no more"};
          send(peer->identity, encode(refused));
        }
        return;
      }
      if (auto reply = shared_.serve(peer->index, call, Clock::now())) {
        send(peer->identity, encode(*reply));
      }
      return;
    }
    if (type != MessageType::kReport) return;
    ReportMessage report = report_read ? std::move(*report_read) : decode_report(payload);
    if (report.run_id != run_id_ || report.sequence <= peer->sequence) return;  // old, or again
    peer->sequence = report.sequence;
    peer->applied_requests += merge_rows(report.interval).requests;
    pending_.merge(std::move(report.interval));
    peer->cumulative = std::move(report.cumulative);
    peer->users = peer->cumulative.users;
    peer->visiting = peer->cumulative.visiting;
    peer->spawning = report.spawning;
    peer->final = peer->final || report.final;
    if (peer->final) shared_.release_all(peer->index);  // its users gave theirs back; any left
    // A worker whose run stops before the run's end (its master was silent to it for too
    // long, a Ctrl-C of its own, a crash): its share moves to the others.
    bool ends_early = !peer->ending && (report.stopping || report.final) && !stopping_ && time_left();
    if (ends_early) peer->ending = true;
    if (peer->missing) {
      peer->missing = false;
      std::string share = m_.settings_.rebalance && !stopping_ && !peer->ending
                              ? ": it takes a share again"
                              : "";
      event(*peer, "back", "worker " + peer->record.name + " is back" + share);
      if (m_.settings_.rebalance && !peer->ending) {
        peer->share.reset();  // it runs what it is given now, never its old share on top
        steer(false);
      }
    }
    if (ends_early) {
      std::string share = peer->share && m_.settings_.rebalance
                              ? "; its share (" + describe(*peer->share) + ") moves to the others"
                              : "";
      event(*peer, "ended", "worker " + peer->record.name + " is ending its run early" + share);
      if (m_.settings_.rebalance) steer(false);
    }
  } catch (const WireError& e) {
    std::fprintf(stderr, "nest-host: ignored a message from %s: %s\n",
                 peer == peers_.end() ? "an unknown peer" : peer->record.name.c_str(), e.what());
  }
}

void Master::Loop::answer_claims() {
  for (auto& answer : shared_.take_answers(Clock::now())) {
    if (answer.worker < peers_.size()) send(peers_[answer.worker].identity, encode(answer.reply));
  }
}

void Master::Loop::stop_all() {
  if (stopping_) return;
  stopping_ = true;
  m_.stopping_flag_.store(true, std::memory_order_relaxed);
  stop_asked_ = Clock::now();
  for (const auto& p : peers_) {
    send(p.identity, p.planned ? encode(StopMessage{run_id_})
                               : encode(RefuseMessage{"the run stopped before it started: " +
                                                      outcome_.ended_by}));
  }
}

// Once a second: the reports that came in, merged into one interval on the master's clock.
void Master::Loop::tick(bool final) {
  next_tick_ += std::chrono::seconds(1);
  for (const auto& p : peers_) {
    if (!p.final) send(p.identity, encode(HeartbeatMessage{run_id_}));
  }
  SampleSet interval = std::move(pending_);
  pending_ = SampleSet{};
  interval.users = 0;
  interval.visiting.clear();
  bool spawning = false;
  for (const auto& p : peers_) {
    if (p.missing) continue;  // its users are unknown (and, rebalanced, run elsewhere)
    interval.users += p.users;
    for (const auto& [name, n] : p.visiting) interval.visiting[name] += n;
    spawning = spawning || (p.spawning && !p.final);
  }
  double at = std::max(0.0, elapsed());
  m_.results_.add(SampleSet(interval), at, size_of(aim_));
  IntervalReport report{interval,      m_.results_, Seconds(at), m_.run_.model, size_of(aim_),
                        spawning,      final,       stopping_,   std::nullopt};
  if (m_.observer_.on_interval(report) && !stopping_) stop_all();
  publish();
}

// At the end: says which workers' counts are short, and why.
void Master::Loop::finish_checks() {
  for (const auto& p : peers_) {
    if (!p.final) {
      m_.observer_.on_notice("worker " + p.record.name +
                             " sent no final report: its requests after its last report (" +
                             std::to_string(p.sequence) + ") are not counted");
    } else if (std::uint64_t total = merge_rows(p.cumulative).requests;
               p.applied_requests != total) {
      m_.observer_.on_notice("worker " + p.record.name + ": its per-second reports add up to " +
                             std::to_string(p.applied_requests) + " requests, its totals to " +
                             std::to_string(total) + " (a report was lost)");
    }
  }
}

RunOutcome Master::Loop::go() {
  socket_.set(zmq::sockopt::linger, 2000);
  socket_.set(zmq::sockopt::router_mandatory, 1);  // a send to a gone worker fails, not vanishes
  if (m_.settings_.key) key_check_ = std::make_unique<KeyCheck>(context_, socket_, *m_.settings_.key);
  // Not _NO_DETAIL: a probe that connects and closes (a port check) is no worker.
  zmq_socket_monitor(socket_.handle(), "inproc://nest-master-handshake",
                     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  handshakes_.set(zmq::sockopt::linger, 0);
  handshakes_.connect("inproc://nest-master-handshake");
  try {
    socket_.bind(m_.settings_.bind);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("--bind " + m_.settings_.bind + ": " + e.what());
  }
  std::printf("Master listening on %s; waiting for %zu worker(s)\n", m_.settings_.bind.c_str(),
              m_.settings_.expect_workers);
  std::fflush(stdout);
  if (!join()) {
    for (const auto& p : peers_) {
      send(p.identity, encode(RefuseMessage{"the run did not start: " + outcome_.ended_by}));
    }
    publish();
    m_.observer_.on_notice(outcome_.ended_by);
    return outcome_;
  }
  std::unique_ptr<HooksRun> hooks;
  if (m_.hooks_ && !m_.hooks_->empty()) {
    hooks = std::make_unique<HooksRun>(m_.tasksets_, m_.run_, *m_.hooks_);
    bool cancelled = false;
    auto beat = Clock::now();
    std::string failed = hooks->start([&] {
      if (Clock::now() - beat >= std::chrono::seconds(1)) {  // the workers wait for their plans
        beat = Clock::now();
        for (const auto& p : peers_) send(p.identity, encode(HeartbeatMessage{0}));
      }
      std::lock_guard lock(m_.mutex_);
      cancelled = signals_.take() || std::exchange(m_.requests_.stop, false);
      return cancelled;
    });
    for (const auto& notice : hooks->take_notices()) m_.observer_.on_notice(notice);
    if (!failed.empty()) {  // no plan goes out; the hooks' requests are the result
      outcome_.ended_by = failed;
      outcome_.interrupted = cancelled;
      for (const auto& p : peers_) {
        send(p.identity, encode(RefuseMessage{"the run did not start: " + failed}));
      }
      m_.results_.add(hooks->stop(), 0, 0);
      for (const auto& notice : hooks->take_notices()) m_.observer_.on_notice(notice);
      m_.started_flag_.store(true, std::memory_order_relaxed);
      publish();
      return outcome_;
    }
  }
  if (!start()) {
    publish();
    return outcome_;
  }
  // How long after asking workers to stop the master waits for their last reports.
  const RunSettings& run = m_.run_;
  auto last_wait = run.stop_timeout + run.drain_timeout + std::chrono::seconds(10);
  for (;;) {
    check_handshakes();
    check_silence();
    if (signals_.take()) {
      if (stopping_) {
        halted_ = true;
      } else {
        m_.observer_.on_notice("stopping every worker (Ctrl-C again: stop waiting for them)");
        outcome_.interrupted = true;
        stop_all();
      }
    }
    take_requests();
    follow_schedule();
    bool all_final = std::all_of(peers_.begin(), peers_.end(),
                                 [](const Peer& p) { return p.final || p.missing; });
    if (all_final && !stopping_ && time_left() &&
        std::any_of(peers_.begin(), peers_.end(), [](const Peer& p) { return p.missing; })) {
      outcome_.ended_by = "every worker went missing or ended early, with the run not over";
      m_.observer_.on_notice(outcome_.ended_by + ": the run stops");
      stop_all();
    }
    bool gave_up = stop_asked_ && Clock::now() - *stop_asked_ > last_wait;
    auto now = Clock::now();
    bool final = all_final || halted_ || gave_up;
    // The last tick comes on the second, as every other (unless halted or given up): the
    // workers' last reports hold up to a second of requests, which a short last tick would
    // show as a spike of their rate.
    if (now >= next_tick_ || halted_ || gave_up) {
      if (final && hooks) {
        pending_.merge(hooks->stop());  // on_test_stop, after every report
        for (const auto& notice : hooks->take_notices()) m_.observer_.on_notice(notice);
      }
      tick(final);
      if (final) break;
      continue;
    }
    auto until = next_tick_;
    if (auto deadline = shared_.next_deadline()) until = std::min(until, *deadline);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    auto frame = receive(std::clamp(wait, std::chrono::milliseconds(1), std::chrono::milliseconds(100)));
    // What has queued meanwhile, up to a bound (the checks above run at least that often).
    for (int n = 0; frame && n < 1000; ++n) {
      handle(frame->first, frame->second);
      frame = receive(std::chrono::milliseconds(0));
    }
    answer_claims();
  }
  finish_checks();
  publish();
  outcome_.halted = false;  // the master's own process has nothing frozen
  outcome_.elapsed = Seconds(std::max(0.0, elapsed()));
  return outcome_;
}

}  // namespace nest::host
