// Who holds which row of a feeder: a queue of free rows and a queue of users waiting for one,
// behind one mutex. A FeederTable keeps one for the users of this process; a distributed run's
// master keeps one per feeder for every worker's users (cluster/shared_service.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace nest::host {

// A user waiting for a row. `granted` is set by the release that hands it a row, which then
// calls `wake` once, from the releasing thread, both under the queue's lock: wake() must only
// post (never run the user, never take the queue's lock). Waiting on a master (a worker's
// users), the answer may instead be `denied` (the claim's timeout passed there) or `refused`
// (why the master could not serve it); `id` names the wait to the master.
struct ClaimWait {
  std::optional<std::size_t> granted;
  std::function<void()> wake;
  bool denied = false;
  std::string refused;
  std::uint64_t id = 0;
  bool withdrawn = false;  // the queue's: it gave up (left in the queue, skipped)
};

class ClaimQueue {
 public:
  explicit ClaimQueue(std::size_t rows);

  // A free row, taken; or none, and `wait` queued behind the others waiting.
  std::optional<std::size_t> claim_or_wait(const std::shared_ptr<ClaimWait>& wait);
  // `row` is free again: handed to the user waiting longest (its wake() called), or queued.
  void give_back(std::size_t row);
  // `wait` gives up (its timeout, a stop): dequeued. Returns the row it was granted meanwhile,
  // if any, which its user now holds.
  std::optional<std::size_t> stop_waiting(const std::shared_ptr<ClaimWait>& wait);
  // Rows held now.
  std::size_t held() const;

 private:
  const std::size_t rows_;
  mutable std::mutex mutex_;
  std::deque<std::size_t> free_;  // oldest released first
  // Waits give up in O(1): withdrawn, skipped by give_back, and swept out once they are
  // more than half of the queue (a burst of timeouts costs no scan per wait).
  std::deque<std::shared_ptr<ClaimWait>> waiting_;
  std::size_t withdrawn_ = 0;
};

}  // namespace nest::host
