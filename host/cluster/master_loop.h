// The master's run (cluster/master.h) from the inside: its workers (Peer) and its loop, one
// thread that owns the socket. The loop's parts live in three files: master.cpp (the loop, the
// workers' messages, the merge, the end), master_join.cpp (workers joining, before the run and
// during it) and master_steering.cpp (the plan on the master's clock, the shares, a missing
// worker's). Only those files include this.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <zmq.hpp>

#include "cluster/master.h"
#include "cluster/shared_service.h"
#include "cluster/wire.h"

namespace nest::host::master_parts {

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

// The size of an aim or share: users, or arrivals a second.
double size_of(const LoadTarget& aim);
// An open-model share's --max-users; 0: none.
std::uint64_t cap_of(const LoadTarget& share);
// "2 users at 20.00/s", "10.00 arrivals/s"
std::string describe(const LoadTarget& share);

}  // namespace nest::host::master_parts

namespace nest::host {

struct Master::Peer {
  std::string identity;  // the ROUTER's routing id of its DEALER
  std::uint32_t index = 0;
  std::uint64_t sequence = 0;  // the last report applied
  SampleSet cumulative;
  std::uint64_t users = 0;
  std::map<std::string, std::uint64_t> visiting;
  bool spawning = true;
  bool final = false;
  master_parts::Clock::time_point last_heard;  // its last message
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
  using Clock = master_parts::Clock;
  using Seconds = master_parts::Seconds;

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
  master_parts::Signals signals_;
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

}  // namespace nest::host
