// One feeder's rows (nest::Feeder) and who holds which: the host's nest::detail::FeederData.
//
// next() and random() need no lock. Claims are a ClaimQueue here, or the master's in a
// distributed run's worker (shared/shared_remote.h); which user holds a row, and how a user
// waits, is the engine's (ClaimBroker), since only it knows users.
#pragma once

#include <nest/detail/shared_hooks.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shared/claim_queue.h"
#include "util/rng.h"

namespace nest::host {

class FeederTable;

// Claims on behalf of the user running on the calling thread (the engine implements it).
class ClaimBroker {
 public:
  virtual std::size_t claim(FeederTable& table, std::chrono::nanoseconds timeout) = 0;
  virtual void release(FeederTable& table, std::size_t row) = 0;
  // Waits for an answer from another thread (the master's, in a distributed run): parks the
  // user running on the calling thread until the function handed to `arm` is called (from any
  // thread; it only posts) or `bound` passes, then throws nest::UserStopped if the run stops
  // it meanwhile. False, having done nothing, when no user runs on the calling thread.
  virtual bool wait_for(const std::function<void(std::function<void()> wake)>& arm,
                        std::chrono::nanoseconds bound) = 0;

 protected:
  ~ClaimBroker() = default;
};

// The broker of the running engine; none (null) where no user runs, as in the probe.
void set_claim_broker(ClaimBroker* broker);
ClaimBroker* claim_broker();

// The generator random() draws from on the calling thread: a worker thread sets its own, seeded
// from --seed, so a run's random rows replay with its tasks (run hooks run as a job on the
// first worker: they draw from its generator); a thread that set none (the probe's) draws from
// one seeded by the system. `rng` outlives its use here. Returns the one set before.
Rng* set_thread_rng(Rng* rng);

class FeederTable final : public nest::detail::FeederData {
 public:
  FeederTable(std::string name, std::vector<std::string> fields,
              std::vector<std::vector<std::string>> rows);

  // nest::detail::FeederData
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& fields() const override { return fields_; }
  std::size_t size() const override { return rows_.size(); }
  const std::vector<std::string>& row(std::size_t index) const override { return rows_.at(index); }
  std::size_t next() override;
  std::size_t random() override;
  std::size_t claim(std::chrono::nanoseconds timeout) override;  // through the broker
  void release(std::size_t index) override;                      // through the broker

  // --- for the broker ---
  // A free row, taken; or none, and `wait` queued (here or on the master) for `timeout`.
  std::optional<std::size_t> claim_or_wait(const std::shared_ptr<ClaimWait>& wait,
                                           std::chrono::nanoseconds timeout);
  // How long a user waits for a claim of `timeout`: that, plus, waiting on the master, the
  // time its answer may take.
  std::chrono::nanoseconds wait_bound(std::chrono::nanoseconds timeout) const;
  // `row` is free again: handed to the user waiting longest (its wake() called), or queued.
  void give_back(std::size_t row);
  // `wait` is over (answered, its bound passed, a stop): the row it was granted, if any, which
  // its user now holds. Throws std::runtime_error when the master could not serve it.
  std::optional<std::size_t> stop_waiting(const std::shared_ptr<ClaimWait>& wait);
  // Rows held now by this process's users (a single run's).
  std::size_t held() const { return claims_.held(); }
  // The rows' fingerprint (FNV-1a of fields and values): the master checks every worker's
  // copy of a feeder is the same.
  std::uint64_t digest() const { return digest_; }
  // "config/accounts.csv: all 500 rows are claimed; none came free within 5 s"
  std::string timeout_message(std::chrono::nanoseconds timeout) const;

 private:
  std::string name_;
  std::vector<std::string> fields_;
  std::vector<std::vector<std::string>> rows_;
  std::uint64_t digest_ = 0;
  std::atomic<std::size_t> cursor_{0};
  ClaimQueue claims_;
};

}  // namespace nest::host
