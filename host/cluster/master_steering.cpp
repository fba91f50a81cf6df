// The master's plan on its own clock: the start, each new aim (stages, a shape, the web UI),
// every worker's share of it, and the shares moved when a worker goes missing.
#include "cluster/master_loop.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "cluster/shares.h"

namespace nest::host {
using namespace master_parts;

namespace master_parts {

double size_of(const LoadTarget& aim) {
  if (const auto* users = std::get_if<UsersTarget>(&aim)) return static_cast<double>(users->users);
  return std::get<ArrivalTarget>(aim).rate;
}

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

}  // namespace master_parts

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
  plan.stop_timeout_ms = static_cast<std::uint64_t>(run.stop_timeout.count());
  plan.drain_timeout_ms = static_cast<std::uint64_t>(run.drain_timeout.count());
  plan.tags = run.tags;
  plan.exclude_tags = run.exclude_tags;
  send(peer.identity, encode(plan));
  peer.planned = true;
  peer.share = share;
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

}  // namespace nest::host
