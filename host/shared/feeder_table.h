// One feeder's rows (nest::Feeder) and who holds which: the host's nest::detail::FeederData.
//
// next() and random() need no lock. Claims are kept here as a queue of free rows and a queue of
// users waiting, both behind one mutex; which user holds a row, and how a user waits, is the
// engine's (ClaimBroker), since only it knows users.
#pragma once

#include <nest/detail/shared_hooks.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nest::host {

class FeederTable;

// A user waiting for a row. `granted` is set by the release that hands it a row, which then
// calls `wake` once, from the releasing thread, both under the table's lock: wake() must only
// post (never run the user, never take the table's lock).
struct ClaimWait {
  std::optional<std::size_t> granted;
  std::function<void()> wake;
};

// Claims on behalf of the user running on the calling thread (the engine implements it).
class ClaimBroker {
 public:
  virtual std::size_t claim(FeederTable& table, std::chrono::nanoseconds timeout) = 0;
  virtual void release(FeederTable& table, std::size_t row) = 0;

 protected:
  ~ClaimBroker() = default;
};

// The broker of the running engine; none (null) where no user runs, as in the probe.
void set_claim_broker(ClaimBroker* broker);

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
  // A free row, taken; or none, and `wait` queued behind the others waiting.
  std::optional<std::size_t> claim_or_wait(const std::shared_ptr<ClaimWait>& wait);
  // `row` is free again: handed to the user waiting longest (its wake() called), or queued.
  void give_back(std::size_t row);
  // `wait` gives up (its timeout, a stop): dequeued. Returns the row it was granted meanwhile,
  // if any, which its user now holds.
  std::optional<std::size_t> stop_waiting(const std::shared_ptr<ClaimWait>& wait);
  // Rows held now.
  std::size_t held() const;
  // "config/accounts.csv: all 500 rows are claimed; none came free within 5 s"
  std::string timeout_message(std::chrono::nanoseconds timeout) const;

 private:
  std::string name_;
  std::vector<std::string> fields_;
  std::vector<std::vector<std::string>> rows_;
  std::atomic<std::size_t> cursor_{0};
  mutable std::mutex mutex_;
  std::deque<std::size_t> free_;  // oldest released first
  std::deque<std::shared_ptr<ClaimWait>> waiting_;
};

}  // namespace nest::host
