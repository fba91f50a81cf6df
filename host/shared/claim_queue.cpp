#include "shared/claim_queue.h"

#include <algorithm>

namespace nest::host {

ClaimQueue::ClaimQueue(std::size_t rows) : rows_(rows) {
  for (std::size_t i = 0; i < rows; ++i) free_.push_back(i);
}

std::optional<std::size_t> ClaimQueue::claim_or_wait(const std::shared_ptr<ClaimWait>& wait) {
  std::lock_guard lock(mutex_);
  if (!free_.empty()) {
    std::size_t row = free_.front();
    free_.pop_front();
    return row;
  }
  waiting_.push_back(wait);
  return std::nullopt;
}

void ClaimQueue::give_back(std::size_t row) {
  std::lock_guard lock(mutex_);
  while (!waiting_.empty() && waiting_.front()->withdrawn) {
    waiting_.pop_front();
    --withdrawn_;
  }
  if (waiting_.empty()) {
    free_.push_back(row);
    return;
  }
  std::shared_ptr<ClaimWait> next = std::move(waiting_.front());
  waiting_.pop_front();
  next->granted = row;
  // Under the lock: until it returns, the waiting user cannot see its grant and move on
  // (stop_waiting takes this lock), so what wake() reaches is still there.
  next->wake();
}

std::optional<std::size_t> ClaimQueue::stop_waiting(const std::shared_ptr<ClaimWait>& wait) {
  std::lock_guard lock(mutex_);
  if (wait->granted) return wait->granted;
  if (wait->withdrawn) return std::nullopt;
  wait->withdrawn = true;
  if (++withdrawn_ > 64 && withdrawn_ > waiting_.size() / 2) {
    std::erase_if(waiting_, [](const auto& w) { return w->withdrawn; });
    withdrawn_ = 0;
  }
  return std::nullopt;
}

std::size_t ClaimQueue::held() const {
  std::lock_guard lock(mutex_);
  return rows_ - free_.size();
}

}  // namespace nest::host
