#include "shared/feeder_table.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <utility>

#include "shared/shared_remote.h"
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
ClaimBroker* claim_broker() { return g_broker.load(std::memory_order_acquire); }

namespace {

std::uint64_t fingerprint(const std::vector<std::string>& fields,
                          const std::vector<std::vector<std::string>>& rows) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
  auto add = [&](std::string_view text) {
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0x1f) * 1099511628211ull;  // a separator no value can fake by its bytes
  };
  for (const auto& f : fields) add(f);
  for (const auto& row : rows) {
    for (const auto& v : row) add(v);
    hash = (hash ^ 0x1e) * 1099511628211ull;
  }
  return hash;
}

}  // namespace

FeederTable::FeederTable(std::string name, std::vector<std::string> fields,
                         std::vector<std::vector<std::string>> rows)
    : name_(std::move(name)),
      fields_(std::move(fields)),
      rows_(std::move(rows)),
      digest_(fingerprint(fields_, rows_)),
      claims_(rows_.size()) {}

std::size_t FeederTable::next() {
  std::size_t turn = cursor_.fetch_add(1, std::memory_order_relaxed);
  if (SharedRemote* remote = shared_remote()) {
    auto [first, step] = remote->stride();
    return (first + turn % rows_.size() * step) % rows_.size();
  }
  return turn % rows_.size();
}

namespace {
thread_local Rng* t_rng = nullptr;
}  // namespace

Rng* set_thread_rng(Rng* rng) { return std::exchange(t_rng, rng); }

std::size_t FeederTable::random() {
  if (t_rng) return t_rng->below(rows_.size());
  thread_local Rng own{std::random_device{}()};
  return own.below(rows_.size());
}

std::size_t FeederTable::claim(std::chrono::nanoseconds timeout) {
  return broker("claim()").claim(*this, timeout);
}

void FeederTable::release(std::size_t index) { broker("release()").release(*this, index); }

std::optional<std::size_t> FeederTable::claim_or_wait(const std::shared_ptr<ClaimWait>& wait,
                                                      std::chrono::nanoseconds timeout) {
  if (SharedRemote* remote = shared_remote()) {
    remote->claim(*this, wait, timeout);
    return std::nullopt;
  }
  return claims_.claim_or_wait(wait);
}

std::chrono::nanoseconds FeederTable::wait_bound(std::chrono::nanoseconds timeout) const {
  SharedRemote* remote = shared_remote();
  return remote ? remote->wait_bound(timeout) : timeout;
}

void FeederTable::give_back(std::size_t row) {
  if (SharedRemote* remote = shared_remote()) {
    remote->give_back(*this, row);
  } else {
    claims_.give_back(row);
  }
}

std::optional<std::size_t> FeederTable::stop_waiting(const std::shared_ptr<ClaimWait>& wait) {
  SharedRemote* remote = shared_remote();
  return remote ? remote->stop_waiting(*this, wait) : claims_.stop_waiting(wait);
}

std::string FeederTable::timeout_message(std::chrono::nanoseconds timeout) const {
  return name_ + (rows_.size() == 1 ? ": its one row is" : ": all " + std::to_string(rows_.size()) + " rows are") +
         " claimed; none came free within " +
         format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

}  // namespace nest::host
