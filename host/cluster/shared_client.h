// A worker's side of the run's shared data (shared/shared_remote.h): its users' claims,
// releases, counters and values, sent to the master (cluster/shared_service.h) as calls and
// answered there, so a claimed row is held by one user of the whole run and a counter counts
// every worker's adds. A user waiting for an answer parks (its thread goes on with others).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/wire.h"
#include "shared/shared_remote.h"

namespace nest::host {

class SharedClient final : public SharedRemote {
 public:
  // How long a call waits for its answer (a claim: beyond its own timeout) before it fails.
  static constexpr std::chrono::seconds kAnswerBound{10};

  // `send` queues a frame for the master (the socket's thread sends it; any thread calls it).
  // Worker `index` of `workers` (for next()'s stride).
  SharedClient(std::uint64_t run_id, std::uint32_t index, std::uint32_t workers,
               std::function<void(std::string)> send);

  // The master's answer to a call (from the socket's thread).
  void answer(const SharedReply& reply);
  // The master is gone: every call waiting fails with `why`, and so does every later one.
  void close(const std::string& why);

  // SharedRemote
  void claim(const FeederTable& table, const std::shared_ptr<ClaimWait>& wait,
             std::chrono::nanoseconds timeout) override;
  std::optional<std::size_t> stop_waiting(const FeederTable& table,
                                          const std::shared_ptr<ClaimWait>& wait) override;
  void give_back(const FeederTable& table, std::size_t row) override;
  std::chrono::nanoseconds wait_bound(std::chrono::nanoseconds timeout) const override;
  std::int64_t counter_add(std::string_view name, std::int64_t delta) override;
  std::int64_t counter_get(std::string_view name) override;
  void counter_set(std::string_view name, std::int64_t value) override;
  bool counter_compare_and_set(std::string_view name, std::int64_t expected,
                               std::int64_t desired) override;
  bool value_get(std::string_view key, std::string& value) override;
  void value_set(std::string_view key, std::string_view value) override;
  bool value_compare_and_set(std::string_view key, const std::string_view* expected,
                             std::string_view value) override;
  bool value_erase(std::string_view key) override;
  Stride stride() const override { return {index_ % workers_, workers_}; }

 private:
  struct Pending;  // a call waiting for its answer
  // Sends `call` (its id set here) and waits for the answer; throws std::runtime_error when
  // none comes, or the master could not serve it.
  SharedReply call(SharedCall call);
  SharedCall made(SharedOp op, std::string_view key) const;

  const std::uint64_t run_id_;
  const std::uint32_t index_, workers_;
  const std::function<void(std::string)> send_;
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Pending>> calls_;
  struct Claim {
    std::shared_ptr<ClaimWait> wait;
    std::string feeder;
  };
  std::map<std::uint64_t, Claim> claims_;           // claims waiting, by id
  std::map<std::uint64_t, std::string> abandoned_;  // claims given up (by feeder): a late grant goes back
  // The claim that got each row held here (feeder, row): a release names it.
  std::map<std::pair<std::string, std::size_t>, std::uint64_t> held_;
  std::optional<std::string> closed_;                // why the master is gone
};

}  // namespace nest::host
