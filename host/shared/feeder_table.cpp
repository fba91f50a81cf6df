#include "shared/feeder_table.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "util/duration.h"

namespace nest::host {
namespace {

std::atomic<ClaimBroker*> g_broker{nullptr};

ClaimBroker& broker(const char* call) {
  ClaimBroker* b = g_broker.load(std::memory_order_acquire);
  if (!b) {
    throw std::logic_error(std::string("nest::Feeder::") + call +
                           " works only while a user runs (tasks, on_start, on_stop), not in a "
                           "constructor");
  }
  return *b;
}

}  // namespace

void set_claim_broker(ClaimBroker* b) { g_broker.store(b, std::memory_order_release); }

FeederTable::FeederTable(std::string name, std::vector<std::string> fields,
                         std::vector<std::vector<std::string>> rows)
    : name_(std::move(name)), fields_(std::move(fields)), rows_(std::move(rows)) {
  for (std::size_t i = 0; i < rows_.size(); ++i) free_.push_back(i);
}

std::size_t FeederTable::next() {
  return cursor_.fetch_add(1, std::memory_order_relaxed) % rows_.size();
}

std::size_t FeederTable::random() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<std::size_t>(0, rows_.size() - 1)(rng);
}

std::size_t FeederTable::claim(std::chrono::nanoseconds timeout) {
  return broker("claim()").claim(*this, timeout);
}

void FeederTable::release(std::size_t index) { broker("release()").release(*this, index); }

std::optional<std::size_t> FeederTable::claim_or_wait(const std::shared_ptr<ClaimWait>& wait) {
  std::lock_guard lock(mutex_);
  if (!free_.empty()) {
    std::size_t row = free_.front();
    free_.pop_front();
    return row;
  }
  waiting_.push_back(wait);
  return std::nullopt;
}

void FeederTable::give_back(std::size_t row) {
  std::shared_ptr<ClaimWait> next;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      free_.push_back(row);
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
    next->granted = row;
    // Under the lock: until it returns, the waiting user cannot see its grant and move on
    // (stop_waiting takes this lock), so what wake() reaches is still there.
    next->wake();
  }
}

std::optional<std::size_t> FeederTable::stop_waiting(const std::shared_ptr<ClaimWait>& wait) {
  std::lock_guard lock(mutex_);
  if (wait->granted) return wait->granted;
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), wait), waiting_.end());
  return std::nullopt;
}

std::size_t FeederTable::held() const {
  std::lock_guard lock(mutex_);
  return rows_.size() - free_.size();
}

std::string FeederTable::timeout_message(std::chrono::nanoseconds timeout) const {
  return name_ + (rows_.size() == 1 ? ": its one row is" : ": all " + std::to_string(rows_.size()) + " rows are") +
         " claimed; none came free within " +
         format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

}  // namespace nest::host
