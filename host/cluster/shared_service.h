// The run's shared data on a distributed run's master, serving every worker's users
// (cluster/shared_client.h): one claim queue per feeder for the whole run, so a claimed row is
// held by one user of all the workers, handed to whoever waited longest on any worker; counters
// and values are the master's own store's (its run hooks see the same). A worker that goes
// missing or ends has its rows released. The master's loop alone calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/wire.h"
#include "shared/claim_queue.h"
#include "shared/shared_store.h"

namespace nest::host {

class SharedService {
 public:
  // The most rows a feeder may have (the master keeps a few bytes a row).
  static constexpr std::uint64_t kMaxRows = std::uint64_t{1} << 26;
  using Clock = std::chrono::steady_clock;
  struct Answer {
    std::uint32_t worker = 0;
    SharedReply reply;
  };

  explicit SharedService(SharedStore& store) : store_(store) {}

  // Serves `call` from worker `worker`: its answer now, or none (a release, or a claim that
  // waits: its answer comes from take_answers()). A cancel is answered (denied) when it ended
  // a wait or gave a row back, so the worker forgets the claim; a call the master cannot serve
  // (a feeder that differs, a claim id used twice, too many rows) is answered with an error.
  std::optional<SharedReply> serve(std::uint32_t worker, const SharedCall& call,
                                   Clock::time_point now);
  // Claims answered since the last call: rows handed over by releases, and waits whose
  // timeout passed by `now`.
  std::vector<Answer> take_answers(Clock::time_point now);
  // When the first waiting claim's timeout passes; none when no claim waits.
  std::optional<Clock::time_point> next_deadline() const;
  // Worker `worker` is gone (missing, or its run over): the rows its users hold come free, to
  // the users waiting longest; its own waits end unanswered. Returns how many rows it held.
  // Its releases that come later free nothing (their claims are forgotten).
  std::size_t release_all(std::uint32_t worker);

 private:
  struct Feeder {
    std::uint64_t size = 0, digest = 0;
    std::uint32_t first = 0;  // the worker that named it first
    std::unique_ptr<ClaimQueue> queue;
  };
  using WaitKey = std::pair<std::uint32_t, std::uint64_t>;  // worker, the claim's call id
  struct Waiting {
    Feeder* feeder = nullptr;
    std::shared_ptr<ClaimWait> wait;
    std::multimap<Clock::time_point, WaitKey>::iterator deadline;
  };
  struct Grant {
    Feeder* feeder = nullptr;
    std::size_t row = 0;
  };

  SharedReply claim(std::uint32_t worker, const SharedCall& call, Clock::time_point now,
                    bool& waits);
  void release(std::uint32_t worker, const SharedCall& call);
  std::optional<SharedReply> cancel(std::uint32_t worker, const SharedCall& call);
  SharedReply counters_and_values(const SharedCall& call);
  void grant(const WaitKey& key, Feeder* feeder, std::size_t row, std::vector<Answer>& answers);

  SharedStore& store_;
  std::map<std::string, Feeder> feeders_;
  std::map<WaitKey, Waiting> waiting_;
  std::multimap<Clock::time_point, WaitKey> deadlines_;  // of waiting_, soonest first
  // Rows held, by the claim that got them: a release names its claim, so a late or repeated
  // one (a worker back from missing, whose rows went to others) frees nothing of another's.
  std::map<WaitKey, Grant> grants_;
  std::vector<WaitKey> granted_;  // waits handed a row by give_back(), not yet answered
};

}  // namespace nest::host
