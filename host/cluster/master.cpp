#include "cluster/master.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <zmq.hpp>

#include "cluster/shares.h"
#include "cluster/wire.h"

namespace nest::host {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kMissingAfter{5};

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

}  // namespace

struct Master::Peer {
  std::string identity;  // the ROUTER's routing id of its DEALER
  std::string name;
  std::uint64_t sequence = 0;  // the last report applied
  SampleSet cumulative;
  std::uint64_t users = 0;
  std::map<std::string, std::uint64_t> visiting;
  bool spawning = true;
  bool final = false;
  Clock::time_point last_heard;  // its last message
  bool missing = false;          // silent for kMissingAfter; back when it reports again
  std::uint64_t applied_requests = 0;  // of its intervals, to check against its cumulative state
};

Master::Master(const MasterSettings& settings, const RunSettings& run,
               const std::vector<TasksetType>& tasksets, RunObserver& observer)
    : settings_(settings), run_(run), tasksets_(tasksets), observer_(observer) {}

Master::~Master() = default;

RunOutcome Master::go() {
  Signals signals;
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::router);
  socket.set(zmq::sockopt::linger, 2000);
  socket.set(zmq::sockopt::router_mandatory, 1);  // a send to a gone worker fails, not vanishes
  try {
    socket.bind(settings_.bind);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("--bind " + settings_.bind + ": " + e.what());
  }
  std::printf("Master listening on %s; waiting for %zu worker(s)\n", settings_.bind.c_str(),
              settings_.expect_workers);
  std::fflush(stdout);
  auto send = [&](const std::string& identity, const std::string& frame) {
    try {
      socket.send(zmq::buffer(identity), zmq::send_flags::sndmore);
      socket.send(zmq::buffer(frame), zmq::send_flags::none);
    } catch (const zmq::error_t&) {
      // gone: its reports stop, which the end of the run accounts for
    }
  };
  auto receive = [&](std::chrono::milliseconds wait) -> std::optional<std::pair<std::string, std::string>> {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, wait) <= 0) return std::nullopt;
    zmq::message_t identity, payload;
    if (!socket.recv(identity, zmq::recv_flags::dontwait)) return std::nullopt;
    while (identity.more()) {
      if (!socket.recv(payload, zmq::recv_flags::none)) return std::nullopt;
      if (!payload.more()) break;
    }
    return std::pair{text_of(identity), text_of(payload)};
  };

  RunOutcome outcome;
  // 1. The workers join.
  std::vector<Peer> peers;
  auto join_deadline = Clock::now() + settings_.join_timeout;
  while (peers.size() < settings_.expect_workers) {
    if (signals.take()) {
      outcome.interrupted = true;
      outcome.ended_by = "stopped while waiting for workers (" + std::to_string(peers.size()) +
                         " of " + std::to_string(settings_.expect_workers) + " had joined)";
      break;
    }
    if (join_watch_) {
      if (std::string why = join_watch_(); !why.empty()) {
        outcome.ended_by = "worker " + why + " before it joined (" + std::to_string(peers.size()) +
                           " of " + std::to_string(settings_.expect_workers) + " had)";
        break;
      }
    }
    auto now = Clock::now();
    if (now >= join_deadline) {
      outcome.ended_by = "only " + std::to_string(peers.size()) + " of " +
                         std::to_string(settings_.expect_workers) + " workers joined within " +
                         std::to_string(settings_.join_timeout.count() / 1000) +
                         " s (--expect-workers-max-wait)";
      break;
    }
    auto frame = receive(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(200),
        std::chrono::duration_cast<std::chrono::milliseconds>(join_deadline - now)));
    if (!frame) continue;
    const std::string& identity = frame->first;
    const std::string& payload = frame->second;
    try {
      if (message_type(payload) != MessageType::kJoin) continue;
      JoinMessage join = decode_join(payload);
      if (std::any_of(peers.begin(), peers.end(), [&](const Peer& p) { return p.identity == identity; })) {
        continue;
      }
      if (std::string problem = join_problem(join, tasksets_); !problem.empty()) {
        std::fprintf(stderr, "nest-host: worker %s refused: %s\n", join.worker.c_str(), problem.c_str());
        send(identity, encode(RefuseMessage{"the master at " + settings_.bind + " refused it: " + problem}));
        continue;
      }
      Peer peer;
      peer.identity = identity;
      peer.name = join.worker;
      peer.last_heard = Clock::now();
      peers.push_back(std::move(peer));
      std::printf("Worker %zu of %zu joined: %s\n", peers.size(), settings_.expect_workers,
                  join.worker.c_str());
      std::fflush(stdout);
    } catch (const WireError& e) {
      std::fprintf(stderr, "nest-host: ignored a message: %s\n", e.what());
    }
  }
  for (const auto& p : peers) names_.push_back(p.name);
  if (!outcome.ended_by.empty()) {
    for (const auto& p : peers) {
      send(p.identity, encode(RefuseMessage{"the run did not start: " + outcome.ended_by}));
    }
    observer_.on_notice(outcome.ended_by);
    return outcome;
  }

  // 2. Each gets its share, and one start time.
  std::uint64_t run_id = std::random_device{}();
  run_id = (run_id << 32) ^ static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
  auto shares = share_users(run_.users, run_.spawn_rate, peers.size());
  constexpr double kStartIn = 0.5;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    PlanMessage plan;
    plan.run_id = run_id;
    plan.index = static_cast<std::uint32_t>(i);
    plan.workers = static_cast<std::uint32_t>(peers.size());
    plan.host = run_.transport.base_url;
    plan.users = shares[i].users;
    plan.spawn_rate = shares[i].spawn_rate;
    plan.run_time_s = run_.run_time ? run_.run_time->count() / 1000.0 : 0;
    plan.start_in_s = kStartIn;
    plan.seed = run_.seed + 7919 * (i + 1);
    for (const auto& t : tasksets_) plan.weights.emplace_back(t.name, t.weight);
    send(peers[i].identity, encode(plan));
    peers[i].last_heard = Clock::now();  // silence counts from the start, not from its join
  }
  auto started = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kStartIn));

  // 3. Once a second, the reports that came in, merged.
  SampleSet pending;
  bool stopping = false, halted = false;
  std::optional<Clock::time_point> stop_asked;
  auto next_tick = started + std::chrono::seconds(1);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  auto stop_all = [&] {
    if (stopping) return;
    stopping = true;
    stop_asked = Clock::now();
    for (const auto& p : peers) send(p.identity, encode(StopMessage{run_id}));
  };
  // How long after asking workers to stop the master waits for their last reports.
  auto last_wait = run_.stop_timeout + run_.drain_timeout + std::chrono::seconds(10);
  for (;;) {
    // A worker silent this long is missing: its results up to its last report stay, the run
    // goes on without it (and ends without waiting for it); a report brings it back.
    for (auto& p : peers) {
      bool silent = !p.final && Clock::now() - p.last_heard > kMissingAfter;
      if (silent && !p.missing) {
        p.missing = true;
        observer_.on_notice("worker " + p.name + " is missing: nothing from it for " +
                            std::to_string(kMissingAfter.count()) +
                            " s; what it reported so far is kept");
      }
    }
    if (signals.take()) {
      if (stopping) {
        halted = true;
      } else {
        observer_.on_notice("stopping every worker (Ctrl-C again: stop waiting for them)");
        outcome.interrupted = true;
        stop_all();
      }
    }
    bool all_final =
        std::all_of(peers.begin(), peers.end(), [](const Peer& p) { return p.final || p.missing; });
    bool gave_up = stop_asked && Clock::now() - *stop_asked > last_wait;
    auto now = Clock::now();
    if (now >= next_tick || all_final || halted || gave_up) {
      next_tick += std::chrono::seconds(1);
      for (const auto& p : peers) {
        if (!p.final) send(p.identity, encode(HeartbeatMessage{run_id}));
      }
      bool final = all_final || halted || gave_up;
      SampleSet interval = std::move(pending);
      pending = SampleSet{};
      interval.users = 0;
      interval.visiting.clear();
      bool spawning = false;
      for (const auto& p : peers) {
        interval.users += p.users;
        for (const auto& [name, n] : p.visiting) interval.visiting[name] += n;
        spawning = spawning || (p.spawning && !p.final);
      }
      double at = std::max(0.0, elapsed());
      results_.add(SampleSet(interval), at, static_cast<double>(run_.users));
      IntervalReport report{interval, results_, std::chrono::duration<double>(at), LoadModel::kClosed,
                            static_cast<double>(run_.users), spawning, final, stopping, std::nullopt};
      if (observer_.on_interval(report) && !stopping) stop_all();
      if (final) {
        for (const auto& p : peers) {
          if (!p.final) {
            observer_.on_notice("worker " + p.name + " sent no final report: its requests after "
                                "its last report (" + std::to_string(p.sequence) +
                                ") are not counted");
          } else if (std::uint64_t total = merge_rows(p.cumulative).requests;
                     p.applied_requests != total) {
            observer_.on_notice("worker " + p.name + ": its per-second reports add up to " +
                                std::to_string(p.applied_requests) + " requests, its totals to " +
                                std::to_string(total) + " (a report was lost)");
          }
        }
        break;
      }
      continue;
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now);
    auto frame = receive(std::clamp(wait, std::chrono::milliseconds(1), std::chrono::milliseconds(100)));
    if (!frame) continue;
    const std::string& identity = frame->first;
    const std::string& payload = frame->second;
    auto peer = std::find_if(peers.begin(), peers.end(), [&](const Peer& p) { return p.identity == identity; });
    try {
      MessageType type = message_type(payload);
      if (type == MessageType::kJoin && peer == peers.end()) {
        send(identity, encode(RefuseMessage{"the run has started without it"}));
        continue;
      }
      if (peer == peers.end()) continue;
      peer->last_heard = Clock::now();
      if (peer->missing) {
        peer->missing = false;
        observer_.on_notice("worker " + peer->name + " is back");
      }
      if (type != MessageType::kReport) continue;
      ReportMessage report = decode_report(payload);
      if (report.run_id != run_id || report.sequence <= peer->sequence) continue;  // old, or again
      peer->sequence = report.sequence;
      peer->applied_requests += merge_rows(report.interval).requests;
      pending.merge(std::move(report.interval));
      peer->cumulative = std::move(report.cumulative);
      peer->users = peer->cumulative.users;
      peer->visiting = peer->cumulative.visiting;
      peer->spawning = report.spawning;
      peer->final = peer->final || report.final;
    } catch (const WireError& e) {
      std::fprintf(stderr, "nest-host: ignored a message from %s: %s\n",
                   peer == peers.end() ? "an unknown peer" : peer->name.c_str(), e.what());
    }
  }
  outcome.halted = false;  // the master's own process has nothing frozen
  outcome.elapsed = std::chrono::duration<double>(std::max(0.0, elapsed()));
  return outcome;
}

}  // namespace nest::host
