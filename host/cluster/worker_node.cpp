#include "cluster/worker_node.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <zmq.hpp>

#include "cluster/shared_client.h"
#include "cluster/wire.h"
#include "engine/fd_limit.h"

namespace nest::host {
namespace {

// A master silent this long (no heartbeat) is gone: the worker stops its run. Within the
// bound of issue 14 (about 10 s) with the stop's drain.
constexpr std::chrono::seconds kMasterSilence{5};

// Frames ZeroMQ may queue each way: a report a second, and a call and an answer for each user.
constexpr int kQueuedFrames = 200000;

std::string worker_name() {
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Reports from the run's thread to the thread that owns the socket.
class Outbox {
 public:
  void push(std::string frame) {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  std::deque<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(frames_, {});
  }

 private:
  std::mutex mutex_;
  std::deque<std::string> frames_;
};

// The master's aims for this worker, from the socket's thread to the run's: the run asks its
// schedule every 100 ms, and the schedule hands it the latest aim that came, once. (A schedule
// rather than Run::set_target: an aim that comes before the run begins is not lost.)
class Steering {
 public:
  explicit Steering(LoadTarget first) : next_(first) {}
  void put(const LoadTarget& aim) {
    std::lock_guard lock(mutex_);
    next_ = aim;
  }
  std::optional<LoadTarget> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(next_, std::nullopt);
  }

 private:
  std::mutex mutex_;
  std::optional<LoadTarget> next_;
};

class SteeredSchedule final : public Schedule {
 public:
  explicit SteeredSchedule(Steering& steering) : steering_(steering) {}
  Step at(std::chrono::duration<double> elapsed) override {
    Step step;
    step.target = steering_.take();
    step.next = elapsed + std::chrono::milliseconds(100);
    return step;
  }

 private:
  Steering& steering_;
};

// Turns each second of the local run into a report for the master.
class Reporter final : public RunObserver {
 public:
  Reporter(Outbox& outbox, std::uint64_t run_id, std::uint32_t index)
      : outbox_(outbox), run_id_(run_id), index_(index) {}
  bool on_interval(const IntervalReport& r) override {
    ReportMessage m;
    m.run_id = run_id_;
    m.index = index_;
    m.sequence = ++sequence_;
    m.elapsed_s = r.elapsed.count();
    m.spawning = r.spawning;
    m.stopping = r.stopping;
    m.final = r.final;
    m.interval = r.interval;
    m.cumulative = r.results.aggregator().totals();
    m.cumulative.users = r.interval.users;  // levels, not sums: the latest
    m.cumulative.visiting = r.results.visiting();
    outbox_.push(encode(m));
    return false;
  }
  void on_notice(const std::string& message) override {
    std::fprintf(stderr, "nest-host (worker %u): %s\n", index_, message.c_str());
  }

 private:
  Outbox& outbox_;
  std::uint64_t run_id_;
  std::uint32_t index_;
  std::uint64_t sequence_ = 0;
};

}  // namespace

int run_worker_node(const WorkerNodeSettings& settings, std::vector<TasksetType> tasksets,
                    RunSettings run) {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 5000);  // the last report still goes out at exit
  // Room for every user's call on the shared data at once (and their answers), beyond
  // ZeroMQ's default of 1,000 frames; sends never block on it (see the socket's thread).
  socket.set(zmq::sockopt::sndhwm, kQueuedFrames);
  socket.set(zmq::sockopt::rcvhwm, kQueuedFrames);
  if (settings.key) use_cluster_key(socket, *settings.key);
  // A failed handshake (another key, or a key on one side only) ends the wait at once.
  constexpr int kHandshakeFailed = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  std::string monitor_address = "inproc://nest-worker-handshake";
  zmq_socket_monitor(socket.handle(), monitor_address.c_str(), kHandshakeFailed);
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  monitor.connect(monitor_address);
  socket.connect(settings.master);
  JoinMessage join;
  join.version = protocol_version();
  join.abi = nest::kAbiVersion;
  join.worker = worker_name();
  for (const auto& t : tasksets) join.tasksets.push_back({t.name, t.weight});
  socket.send(zmq::buffer(encode(join)), zmq::send_flags::none);

  // The answer: a plan or a refusal. Meanwhile a master that has this worker (waiting for the
  // others, running its start hooks) sends heartbeats, each of which extends the wait.
  zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0},
                             {monitor.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::message_t answer;
  bool heard = false;
  for (;;) {
    if (zmq::poll(items, 2, heard ? std::chrono::milliseconds(kMasterSilence) : settings.join_timeout) <= 0) {
      if (heard) {
        std::fprintf(stderr, "nest-host: the master at %s has been silent for %lld s before the run\n",
                     settings.master.c_str(), static_cast<long long>(kMasterSilence.count()));
      } else {
        std::fprintf(stderr,
                     "nest-host: the master at %s did not answer within %lld s (is it running "
                     "there?)\n",
                     settings.master.c_str(),
                     static_cast<long long>(settings.join_timeout.count() / 1000));
      }
      return 1;
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if (!socket.recv(answer, zmq::recv_flags::none)) return 1;
    std::string_view f(answer.data<char>(), answer.size());
    try {
      if (message_type(f) != MessageType::kHeartbeat) break;
      heard = true;
    } catch (const WireError&) {
      break;  // said below
    }
  }
  if (items[1].revents & ZMQ_POLLIN) {
    zmq::message_t event;
    std::uint16_t id = 0;
    if (monitor.recv(event, zmq::recv_flags::none) && event.size() >= 2) {
      std::memcpy(&id, event.data(), sizeof id);
    }
    std::string why = id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                          ? "refused this worker's --cluster-key: it holds another"
                          : settings.key ? "does not take this worker's --cluster-key: is it the "
                                           "master's (and has the master one)?"
                                         : "wants a key: give this worker the master's --cluster-key";
    std::fprintf(stderr, "nest-host: the master at %s %s\n", settings.master.c_str(), why.c_str());
    return 1;
  }
  zmq_socket_monitor(socket.handle(), nullptr, 0);
  monitor.close();
  std::string_view frame(answer.data<char>(), answer.size());
  PlanMessage plan;
  try {
    if (message_type(frame) == MessageType::kRefuse) {
      std::fprintf(stderr, "nest-host: %s\n", decode_refuse(frame).reason.c_str());
      return 1;
    }
    plan = decode_plan(frame);
  } catch (const WireError& e) {
    std::fprintf(stderr, "nest-host: the master's answer: %s\n", e.what());
    return 1;
  }
  // The master's weights: those it names take part, with its weight.
  std::vector<TasksetType> taking_part;
  for (const auto& [name, weight] : plan.weights) {
    for (auto t : tasksets) {
      if (t.name == name && weight > 0) {
        t.weight = weight;
        taking_part.push_back(t);
      }
    }
  }
  run.transport.base_url = plan.host;
  run.model = plan.open ? LoadModel::kOpen : LoadModel::kClosed;
  run.arrivals = plan.arrivals ? Arrivals::kPoisson : Arrivals::kConstant;
  run.max_users.reset();
  if (plan.max_users > 0) run.max_users = plan.max_users;
  run.stages.clear();
  std::uint64_t users = 0;
  if (const auto* share = std::get_if<UsersTarget>(&plan.target)) {
    run.users = users = share->users;
    run.spawn_rate = share->spawn_rate;
  } else {
    run.arrival_rate = std::get<ArrivalTarget>(plan.target).rate;
  }
  run.seed = plan.seed;
  // The master waits for this worker's last report as long as these let its users take.
  constexpr std::uint64_t kLongest = 366ull * 24 * 3600 * 1000;  // a year: a sane bound, no overflow
  run.stop_timeout = std::chrono::milliseconds(std::min(plan.stop_timeout_ms, kLongest));
  run.drain_timeout = std::chrono::milliseconds(std::min(plan.drain_timeout_ms, kLongest));
  run.tags = plan.tags;
  run.exclude_tags = plan.exclude_tags;
  run.run_time.reset();
  if (plan.run_time_s > 0) {
    run.run_time = std::chrono::milliseconds(static_cast<long long>(plan.run_time_s * 1000));
  }
  // The master may give it more users later (a stage, a missing worker's share): as many
  // open files as the system allows, warned about only for the users it starts with.
  if (std::string warning = raise_fd_limit(plan.open ? plan.max_users : users); !warning.empty()) {
    std::fprintf(stderr, "nest-host: %s\n", warning.c_str());
  }
  if (plan.open) {
    std::printf("Worker %u of %u: %.2f arrivals/s against %s\n", plan.index + 1, plan.workers,
                run.arrival_rate, plan.host.c_str());
  } else {
    std::printf("Worker %u of %u: %llu users at %.2f/s against %s\n", plan.index + 1,
                plan.workers, static_cast<unsigned long long>(users), run.spawn_rate,
                plan.host.c_str());
  }
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::duration<double>(plan.start_in_s));

  Outbox outbox;
  // Rings the socket's thread: a user's call on the shared data goes out at once, not at its
  // next look (every 50 ms).
  int bell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (bell < 0) {
    std::perror("nest-host: eventfd");
    return 1;
  }
  SharedClient shared(plan.run_id, plan.index, plan.workers, [&](std::string frame) {
    outbox.push(std::move(frame));
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(bell, &one, sizeof one);
  });
  set_shared_remote(&shared);  // claims, counters and values are the master's from here on
  Reporter reporter(outbox, plan.run_id, plan.index);
  Steering steering(plan.target);
  Run local(taking_part, run, reporter, std::make_unique<SteeredSchedule>(steering));
  // The socket's own thread: sends the reports, hears a stop. The socket moves to it (ZeroMQ
  // allows that across a full barrier: the thread's start) and comes back at its join.
  std::atomic<bool> done{false};
  bool master_gone = false;  // the comms thread's, read after its join
  std::thread comms([&] {
    auto last_heard = std::chrono::steady_clock::now();
    auto last_look = last_heard;
    // Frames ZeroMQ did not take yet (its queue full: the master slow or unreachable). Sends
    // never block, so this thread goes on judging the master's silence whatever happens.
    std::deque<std::string> unsent;
    auto send_what_it_can = [&] {
      for (auto& f : outbox.take()) unsent.push_back(std::move(f));
      while (!unsent.empty() && socket.send(zmq::buffer(unsent.front()), zmq::send_flags::dontwait)) {
        unsent.pop_front();
      }
    };
    for (;;) {
      send_what_it_can();
      if (master_gone) unsent.clear();  // nobody will read them
      if (done.load()) break;
      zmq::pollitem_t in[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, bell, ZMQ_POLLIN, 0}};
      zmq::poll(in, 2, std::chrono::milliseconds(50));
      if (in[1].revents & ZMQ_POLLIN) {
        std::uint64_t rings = 0;
        [[maybe_unused]] auto n = read(bell, &rings, sizeof rings);  // its frames: next turn
      }
      // Everything that came first, then the silence: a worker that was frozen (SIGSTOP) reads
      // the heartbeats that queued meanwhile before it judges the master gone.
      for (zmq::message_t m; socket.recv(m, zmq::recv_flags::dontwait);) {
        std::string_view f(m.data<char>(), m.size());
        try {
          MessageType type = message_type(f);
          if (type == MessageType::kHeartbeat && decode_heartbeat(f).run_id == plan.run_id) {
            last_heard = std::chrono::steady_clock::now();
          } else if (type == MessageType::kSteer) {
            SteerMessage steer = decode_steer(f);
            if (steer.run_id == plan.run_id) steering.put(steer.target);
          } else if (type == MessageType::kSharedReply) {
            shared.answer(decode_shared_reply(f));
          } else if (type == MessageType::kStop && decode_stop(f).run_id == plan.run_id) {
            last_heard = std::chrono::steady_clock::now();
            local.stop();
          }
        } catch (const WireError&) {
        }
      }
      // Silence counts only while this worker listens: a turn of this loop takes about 50 ms,
      // so a longer gap since the last look is time it was frozen (SIGSTOP) or starved,
      // whatever the master said meanwhile.
      auto now = std::chrono::steady_clock::now();
      if (now - last_look > std::chrono::seconds(1)) last_heard += now - last_look;
      last_look = now;
      if (!master_gone && now - last_heard > kMasterSilence) {
        master_gone = true;  // its heartbeats stopped: stop as Ctrl-C would
        shared.close("the master at " + settings.master + " is gone");
        std::fprintf(stderr,
                     "nest-host: the master at %s has been silent for %lld s: stopping this "
                     "worker's run\n",
                     settings.master.c_str(), static_cast<long long>(kMasterSilence.count()));
        local.stop();
      }
    }
    // The last report: given a few seconds to be taken (then the linger sends it).
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (send_what_it_can(); !master_gone && !unsent.empty() && std::chrono::steady_clock::now() < until;
         send_what_it_can()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  RunOutcome outcome = local.go();
  done.store(true);
  comms.join();
  shared.close("the run is over");
  set_shared_remote(nullptr);
  // A halted run's users are frozen, maybe inside a call: the bell stays open for them.
  if (!outcome.halted && !outcome.crash) close(bell);
  RowStats total = merge_rows(local.results().aggregator().totals());
  std::printf("Worker %u: %llu requests, %llu failed, in %.1f s\n", plan.index + 1,
              static_cast<unsigned long long>(total.requests),
              static_cast<unsigned long long>(total.failures), outcome.elapsed.count());
  std::fflush(stdout);
  if ((master_gone || settings.write_always) && settings.write_own_results) {
    settings.write_own_results(local.results(), outcome, run, master_gone);
  }
  if (outcome.halted || outcome.crash) {
    if (master_gone) socket.set(zmq::sockopt::linger, 0);
    socket.close();  // else linger: the last report goes out
    context.close();
    std::_Exit(outcome.crash ? 4 : master_gone ? 1 : 0);  // users are frozen: no teardown
  }
  if (master_gone) {
    socket.set(zmq::sockopt::linger, 0);  // a master that is gone reads nothing: do not linger
    socket.close();
    return 1;
  }
  return 0;
}

}  // namespace nest::host
