// The master's loop: the socket, the workers' messages and their merge, the seconds, the end.
#include "cluster/master_loop.h"

#include <algorithm>
#include <cstdio>

#include "cluster/hooks_run.h"

namespace nest::host {
using namespace master_parts;

namespace {

std::string text_of(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

}  // namespace

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
    std::optional<SharedCall> call_read;
    if (type == MessageType::kShared) call_read = decode_shared_call(payload);
    if (peer == peers_.end() && (type == MessageType::kReport || call_read)) {
      // A worker that reconnected (its socket's new routing id): known by its run and number.
      if (!call_read) report_read = decode_report(payload);
      std::uint64_t run = call_read ? call_read->run_id : report_read->run_id;
      std::uint32_t index = call_read ? call_read->index : report_read->index;
      peer = std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) {
        return run == run_id_ && p.index == index;
      });
      if (peer != peers_.end()) peer->identity = identity;
    }
    if (peer == peers_.end()) return;
    peer->last_heard = Clock::now();
    if (call_read) {
      const SharedCall& call = *call_read;
      if (call.run_id != run_id_ || call.index != peer->index) return;
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
  } catch (const std::exception& e) {  // a malformed frame; a call that cannot be served
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
  // Room for every worker's users' calls on the shared data and their answers at once,
  // beyond ZeroMQ's default of 1,000 frames a worker; sends never block on it.
  socket_.set(zmq::sockopt::sndhwm, 200000);
  socket_.set(zmq::sockopt::rcvhwm, 200000);
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
    // What has queued meanwhile, up to a bound (the checks above run at least that often);
    // a frame read is always handled (the bound is checked before the next read, not after).
    for (int handled = 1; frame; ++handled) {
      handle(frame->first, frame->second);
      if (handled == 1000) break;
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
