// The master's workers joining: before the run (all of --expect-workers, each checked), and
// during it (a late one gets a share); handshakes that failed.
#include "cluster/master_loop.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace nest::host {
using namespace master_parts;

namespace {

// What is wrong with a worker's join, or empty.
std::string join_problem(const JoinMessage& join, const std::vector<TasksetType>& tasksets) {
  if (join.version != protocol_version()) {
    return "it runs nest-host " + join.version + ", the master " + protocol_version();
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

}  // namespace

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

}  // namespace nest::host
