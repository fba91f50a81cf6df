// A light stand-in for many workers, for the benchmark of a master's own cost
// (scripts/bench/distributed.py): one process, one thread, N ZeroMQ DEALER sockets, each
// joining the master as a worker of this nest-host's version, taking its plan, and from the
// plan's start time reporting once a second ROWS request rows (each with RATE requests a
// second and their response-time histogram), then a final report at the plan's run time. It
// speaks the real protocol (cluster/wire.h) and runs no users.
//
// Prints "reported N requests" at the end: the master's merged total must equal it.
// Usage: bench_stub_workers MASTER_URL WORKERS ROWS RATE
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "cluster/wire.h"
#include "nest/plugin.h"
#include "stats/aggregator.h"

using namespace nest::host;
using Clock = std::chrono::steady_clock;

namespace {

struct Stub {
  zmq::socket_t socket;
  PlanMessage plan;
  bool planned = false;
  std::uint64_t sequence = 0;
  SampleSet cumulative;
};

// One second of ROWS rows, RATE requests each, response times 1-50 ms.
SampleSet second_of(int rows, int rate, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::uint64_t> micros(1000, 50000);
  SampleSet set;
  for (int r = 0; r < rows; ++r) {
    RowStats& row = set.rows[{"GET", "/stub/" + std::to_string(r)}];
    for (int i = 0; i < rate; ++i) {
      std::uint64_t us = micros(rng);
      row.requests += 1;
      row.total_us += us;
      row.bytes += 100;
      row.times.record(us);
    }
  }
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s MASTER_URL WORKERS ROWS RATE\n", argv[0]);
    return 2;
  }
  std::string url = argv[1];
  int workers = std::atoi(argv[2]), rows = std::atoi(argv[3]), rate = std::atoi(argv[4]);
  zmq::context_t context;
  std::vector<Stub> stubs;
  stubs.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    Stub& stub = stubs.emplace_back();
    stub.socket = zmq::socket_t(context, zmq::socket_type::dealer);
    stub.socket.set(zmq::sockopt::linger, 5000);
    stub.socket.connect(url);
    JoinMessage join;
    join.version = protocol_version();
    join.abi = nest::kAbiVersion;
    join.worker = "stub:" + std::to_string(i);
    join.tasksets.push_back({"Idle", 1});
    stub.socket.send(zmq::buffer(encode(join)), zmq::send_flags::none);
  }
  // Each takes its plan; heartbeats after it are read and dropped.
  auto drain = [&](Stub& stub) {
    for (zmq::message_t m; stub.socket.recv(m, zmq::recv_flags::dontwait);) {
      std::string_view f(m.data<char>(), m.size());
      if (message_type(f) == MessageType::kPlan) {
        stub.plan = decode_plan(f);
        stub.planned = true;
      } else if (message_type(f) == MessageType::kRefuse) {
        std::fprintf(stderr, "refused: %s\n", decode_refuse(f).reason.c_str());
        std::exit(1);
      }
    }
  };
  auto deadline = Clock::now() + std::chrono::seconds(120);
  for (bool all = false; !all;) {
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "no plan within 120 s\n");
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    all = true;
    for (auto& stub : stubs) {
      drain(stub);
      all = all && stub.planned;
    }
  }
  auto start = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(stubs[0].plan.start_in_s));
  double run_time = stubs[0].plan.run_time_s;
  std::mt19937_64 rng(42);
  std::uint64_t reported = 0;
  for (int second = 1;; ++second) {
    std::this_thread::sleep_until(start + std::chrono::seconds(second));
    bool final = second >= run_time;
    for (auto& stub : stubs) {
      drain(stub);
      ReportMessage report;
      report.run_id = stub.plan.run_id;
      report.index = stub.plan.index;
      report.sequence = ++stub.sequence;
      report.elapsed_s = second;
      report.final = final;
      report.interval = second_of(rows, rate, rng);
      report.interval.users = 1;
      stub.cumulative.merge(SampleSet(report.interval));
      report.cumulative = stub.cumulative;
      report.cumulative.users = 1;
      reported += merge_rows(report.interval).requests;
      stub.socket.send(zmq::buffer(encode(report)), zmq::send_flags::none);
    }
    if (final) break;
  }
  std::printf("reported %llu requests\n", static_cast<unsigned long long>(reported));
  return 0;
}
