#include "cluster/shared_client.h"

#include <stdexcept>

#include "shared/feeder_table.h"

namespace nest::host {

struct SharedClient::Pending {
  std::optional<SharedReply> reply;
  std::function<void()> wake;   // a parked user's
  std::condition_variable done;  // a thread that is no user waits on it
};

SharedClient::SharedClient(std::uint64_t run_id, std::uint32_t index, std::uint32_t workers,
                           std::function<void(std::string)> send)
    : run_id_(run_id), index_(index), workers_(std::max<std::uint32_t>(workers, 1)), send_(std::move(send)) {}

SharedCall SharedClient::made(SharedOp op, std::string_view key) const {
  SharedCall c;
  c.run_id = run_id_;
  c.index = index_;
  c.op = op;
  c.key = key;
  return c;
}

void SharedClient::answer(const SharedReply& reply) {
  std::lock_guard lock(mutex_);
  if (auto call = calls_.find(reply.id); call != calls_.end()) {
    call->second->reply = reply;
    if (call->second->wake) call->second->wake();
    call->second->done.notify_all();
    return;
  }
  if (auto claim = claims_.find(reply.id); claim != claims_.end()) {
    ClaimWait& wait = *claim->second.wait;
    if (reply.status == SharedReply::Status::kDone) {
      wait.granted = static_cast<std::size_t>(reply.row);
      held_[{claim->second.feeder, wait.granted.value()}] = reply.id;
    } else if (reply.status == SharedReply::Status::kDenied) {
      wait.denied = true;
    } else {
      wait.refused = reply.text.empty() ? "the master refused it" : reply.text;
    }
    wait.wake();  // only posts
    return;
  }
  if (auto gone = abandoned_.find(reply.id); gone != abandoned_.end()) {
    // Its user stopped waiting (a stop) while the master granted it a row: the row goes back.
    // (The master answers the cancel too: whichever comes first ends this.)
    if (reply.status == SharedReply::Status::kDone) {
      SharedCall release = made(SharedOp::kRelease, gone->second);
      release.id = reply.id;
      release.row = reply.row;
      send_(encode(release));
    }
    abandoned_.erase(gone);
  }
}

void SharedClient::close(const std::string& why) {
  std::lock_guard lock(mutex_);
  closed_ = why;
  for (auto& [id, call] : calls_) {
    if (call->wake) call->wake();
    call->done.notify_all();
  }
  for (auto& [id, claim] : claims_) {
    claim.wait->refused = why;
    claim.wait->wake();
  }
}

void SharedClient::claim(const FeederTable& table, const std::shared_ptr<ClaimWait>& wait,
                         std::chrono::nanoseconds timeout) {
  SharedCall c = made(SharedOp::kClaim, table.name());
  c.size = table.size();
  c.digest = table.digest();
  c.timeout_s = std::chrono::duration<double>(timeout).count();
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      wait->refused = *closed_;
      wait->wake();  // only posts: ends its user's wait as soon as it begins
      return;
    }
    c.id = wait->id = next_id_++;
    claims_.emplace(c.id, Claim{wait, table.name()});
  }
  send_(encode(c));
}

std::optional<std::size_t> SharedClient::stop_waiting(const FeederTable& table,
                                                      const std::shared_ptr<ClaimWait>& wait) {
  std::lock_guard lock(mutex_);
  claims_.erase(wait->id);
  if (wait->granted) return wait->granted;
  if (!wait->refused.empty()) {
    throw std::runtime_error(table.name() + ": no claim (" + wait->refused + ")");
  }
  if (!wait->denied && wait->id != 0 && !closed_) {
    // No answer yet (the run stops this user): the master forgets the wait; a grant already
    // on its way comes back to answer(), which gives it back.
    abandoned_.emplace(wait->id, table.name());
    SharedCall cancel = made(SharedOp::kCancel, table.name());
    cancel.id = wait->id;
    send_(encode(cancel));
  }
  return std::nullopt;
}

void SharedClient::give_back(const FeederTable& table, std::size_t row) {
  SharedCall c = made(SharedOp::kRelease, table.name());
  c.row = row;
  {
    std::lock_guard lock(mutex_);
    auto held = held_.find({table.name(), row});
    if (held == held_.end() || closed_) return;  // no claim of this worker's got it
    c.id = held->second;
    held_.erase(held);
  }
  send_(encode(c));
}

std::chrono::nanoseconds SharedClient::wait_bound(std::chrono::nanoseconds timeout) const {
  // Saturating: nest::Feeder::claim(nanoseconds::max()) waits "forever", never negative.
  timeout = std::max(timeout, std::chrono::nanoseconds::zero());
  std::chrono::nanoseconds allowance = kAnswerBound;
  return timeout > std::chrono::nanoseconds::max() - allowance ? std::chrono::nanoseconds::max()
                                                               : timeout + allowance;
}

SharedReply SharedClient::call(SharedCall c) {
  auto pending = std::make_shared<Pending>();
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw std::runtime_error("shared data: " + *closed_);
    c.id = next_id_++;
    calls_.emplace(c.id, pending);
  }
  std::uint64_t id = c.id;
  send_(encode(c));
  auto forget = [&] {
    std::lock_guard lock(mutex_);
    calls_.erase(id);
  };
  bool parked = false;
  try {
    ClaimBroker* broker = claim_broker();
    parked = broker && broker->wait_for(
                           [&](std::function<void()> wake) {
                             std::lock_guard lock(mutex_);
                             if (pending->reply || closed_) {
                               wake();  // only posts: runs once the user is parked
                             } else {
                               pending->wake = std::move(wake);
                             }
                           },
                           kAnswerBound);
  } catch (...) {
    forget();  // the run stopped this user: a late answer is dropped
    throw;
  }
  std::unique_lock lock(mutex_);
  if (!parked) {
    pending->done.wait_for(lock, kAnswerBound, [&] { return pending->reply || closed_; });
  }
  calls_.erase(id);
  if (!pending->reply) {
    throw std::runtime_error("shared data: " + (closed_ ? *closed_
                                                        : "the master did not answer within " +
                                                              std::to_string(kAnswerBound.count()) + " s"));
  }
  if (pending->reply->status == SharedReply::Status::kError) {
    throw std::runtime_error("shared data: " + pending->reply->text);
  }
  return *pending->reply;
}

std::int64_t SharedClient::counter_add(std::string_view name, std::int64_t delta) {
  SharedCall c = made(SharedOp::kCounterAdd, name);
  c.number = delta;
  return call(std::move(c)).number;
}

std::int64_t SharedClient::counter_get(std::string_view name) {
  return call(made(SharedOp::kCounterGet, name)).number;
}

void SharedClient::counter_set(std::string_view name, std::int64_t value) {
  SharedCall c = made(SharedOp::kCounterSet, name);
  c.number = value;
  call(std::move(c));
}

bool SharedClient::counter_compare_and_set(std::string_view name, std::int64_t expected,
                                           std::int64_t desired) {
  SharedCall c = made(SharedOp::kCounterCas, name);
  c.expected_number = expected;
  c.number = desired;
  return call(std::move(c)).status == SharedReply::Status::kDone;
}

bool SharedClient::value_get(std::string_view key, std::string& value) {
  SharedReply reply = call(made(SharedOp::kValueGet, key));
  if (!reply.found) return false;
  value = std::move(reply.text);
  return true;
}

void SharedClient::value_set(std::string_view key, std::string_view value) {
  SharedCall c = made(SharedOp::kValueSet, key);
  c.text = value;
  call(std::move(c));
}

bool SharedClient::value_compare_and_set(std::string_view key, const std::string_view* expected,
                                         std::string_view value) {
  SharedCall c = made(SharedOp::kValueCas, key);
  c.has_expected = expected != nullptr;
  if (expected) c.expected = *expected;
  c.text = value;
  return call(std::move(c)).status == SharedReply::Status::kDone;
}

bool SharedClient::value_erase(std::string_view key) {
  return call(made(SharedOp::kValueErase, key)).found;
}

}  // namespace nest::host
