#include "cluster/shared_service.h"

#include <algorithm>

namespace nest::host {
namespace {

SharedReply answer_to(const SharedCall& call) {
  SharedReply reply;
  reply.id = call.id;
  return reply;
}

SharedReply denied(std::uint64_t id) {
  SharedReply reply;
  reply.id = id;
  reply.status = SharedReply::Status::kDenied;
  return reply;
}

SharedReply error(const SharedCall& call, std::string why) {
  SharedReply reply = answer_to(call);
  reply.status = SharedReply::Status::kError;
  reply.text = std::move(why);
  return reply;
}

std::string worker_name(std::uint32_t index) { return "worker " + std::to_string(index + 1); }

}  // namespace

std::optional<SharedReply> SharedService::serve(std::uint32_t worker, const SharedCall& call,
                                                Clock::time_point now) {
  switch (call.op) {
    case SharedOp::kClaim: {
      bool waits = false;
      SharedReply reply = claim(worker, call, now, waits);
      if (waits) return std::nullopt;
      return reply;
    }
    case SharedOp::kRelease:
      release(worker, call);
      return std::nullopt;
    case SharedOp::kCancel:
      return cancel(worker, call);
    default:
      return counters_and_values(call);
  }
}

SharedReply SharedService::claim(std::uint32_t worker, const SharedCall& call,
                                 Clock::time_point now, bool& waits) {
  if (call.size == 0) return error(call, "the feeder " + call.key + " has no rows");
  if (call.size > kMaxRows) {
    return error(call, "the feeder " + call.key + " has " + std::to_string(call.size) +
                           " rows: a distributed run's master serves claims of " +
                           std::to_string(kMaxRows) + " at most");
  }
  WaitKey key{worker, call.id};
  if (waiting_.count(key) || grants_.count(key)) {
    return error(call, "claim " + std::to_string(call.id) + " of " + worker_name(worker) +
                           " came twice");
  }
  auto found = feeders_.find(call.key);
  if (found == feeders_.end()) {
    Feeder f;
    f.size = call.size;
    f.digest = call.digest;
    f.first = worker;
    f.queue = std::make_unique<ClaimQueue>(call.size);
    found = feeders_.emplace(call.key, std::move(f)).first;
  }
  Feeder& feeder = found->second;
  if (feeder.size != call.size || feeder.digest != call.digest) {
    return error(call, "the feeder " + call.key + " differs between workers: " +
                           worker_name(worker) + "'s has " + std::to_string(call.size) +
                           " rows, " + worker_name(feeder.first) + "'s " +
                           std::to_string(feeder.size) +
                           (feeder.size == call.size ? " with other values" : "") +
                           "; give every worker the same file");
  }
  auto wait = std::make_shared<ClaimWait>();
  wait->wake = [this, key] { granted_.push_back(key); };  // under the queue's lock: only notes
  if (auto row = feeder.queue->claim_or_wait(wait)) {
    grants_[key] = {&feeder, *row};
    SharedReply reply = answer_to(call);
    reply.row = *row;
    return reply;
  }
  // NaN, 0 or less: no wait. At most 30 years (a "forever" of the SDK's), which no clock
  // arithmetic overflows.
  if (!(call.timeout_s > 0)) {
    feeder.queue->stop_waiting(wait);  // nothing can have granted it meanwhile
    return denied(call.id);
  }
  auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::min(call.timeout_s, 1e9)));
  auto deadline = deadlines_.emplace(now + timeout, key);
  waiting_[key] = Waiting{&feeder, wait, deadline};
  waits = true;
  return {};
}

void SharedService::release(std::uint32_t worker, const SharedCall& call) {
  // Only a row this worker's claim holds: one released for it while it was missing is
  // another's now, and its claim is forgotten.
  auto held = grants_.find({worker, call.id});
  if (held == grants_.end() || held->second.row != call.row) return;
  Grant g = held->second;
  grants_.erase(held);
  g.feeder->queue->give_back(g.row);
}

std::optional<SharedReply> SharedService::cancel(std::uint32_t worker, const SharedCall& call) {
  WaitKey key{worker, call.id};
  if (auto found = waiting_.find(key); found != waiting_.end()) {
    Waiting w = std::move(found->second);
    deadlines_.erase(w.deadline);
    waiting_.erase(found);
    // Granted but not yet answered: nobody will hold the row, so it goes on at once.
    if (auto row = w.feeder->queue->stop_waiting(w.wait)) w.feeder->queue->give_back(*row);
    return denied(call.id);
  }
  if (auto held = grants_.find(key); held != grants_.end()) {
    // Answered, but the worker gave up on it first (or the answer was lost): the row goes
    // back; the worker gives back nothing more for it (a release of it frees nothing now).
    Grant g = held->second;
    grants_.erase(held);
    g.feeder->queue->give_back(g.row);
    return denied(call.id);
  }
  return std::nullopt;
}

void SharedService::grant(const WaitKey& key, Feeder* feeder, std::size_t row,
                          std::vector<Answer>& answers) {
  grants_[key] = {feeder, row};
  Answer a{key.first, {}};
  a.reply.id = key.second;
  a.reply.row = row;
  answers.push_back(std::move(a));
}

std::vector<SharedService::Answer> SharedService::take_answers(Clock::time_point now) {
  std::vector<Answer> answers;
  // A grant frees nothing, so this list does not grow while it is read.
  for (const WaitKey& key : std::exchange(granted_, {})) {
    auto found = waiting_.find(key);
    if (found == waiting_.end()) continue;  // cancelled meanwhile: cancel() gave the row on
    deadlines_.erase(found->second.deadline);
    grant(key, found->second.feeder, *found->second.wait->granted, answers);
    waiting_.erase(found);
  }
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    WaitKey key = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto found = waiting_.find(key);
    Waiting& w = found->second;
    if (auto row = w.feeder->queue->stop_waiting(w.wait)) {
      grant(key, w.feeder, *row, answers);
    } else {
      answers.push_back({key.first, denied(key.second)});
    }
    waiting_.erase(found);
  }
  return answers;
}

std::optional<SharedService::Clock::time_point> SharedService::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::size_t SharedService::release_all(std::uint32_t worker) {
  auto from = [&](auto& map) { return map.lower_bound({worker, 0}); };
  auto to = [&](auto& map) { return map.lower_bound({worker + 1, 0}); };
  for (auto it = from(waiting_), end = to(waiting_); it != end;) {
    deadlines_.erase(it->second.deadline);
    if (auto row = it->second.feeder->queue->stop_waiting(it->second.wait)) {
      it->second.feeder->queue->give_back(*row);
    }
    it = waiting_.erase(it);
  }
  std::size_t held = 0;
  for (auto it = from(grants_), end = to(grants_); it != end; ++held) {
    Grant g = it->second;
    it = grants_.erase(it);
    g.feeder->queue->give_back(g.row);
  }
  return held;
}

SharedReply SharedService::counters_and_values(const SharedCall& call) {
  SharedReply reply = answer_to(call);
  auto denied_unless = [&](bool done) {
    if (!done) reply.status = SharedReply::Status::kDenied;
  };
  switch (call.op) {
    case SharedOp::kCounterAdd:
      reply.number = store_.counter(call.key).add(call.number);
      break;
    case SharedOp::kCounterGet:
      reply.number = store_.counter(call.key).get();
      break;
    case SharedOp::kCounterSet:
      store_.counter(call.key).set(call.number);
      break;
    case SharedOp::kCounterCas:
      denied_unless(store_.counter(call.key).compare_and_set(call.expected_number, call.number));
      break;
    case SharedOp::kValueGet:
      reply.found = store_.get(call.key, reply.text);
      break;
    case SharedOp::kValueSet:
      store_.set(call.key, call.text);
      break;
    case SharedOp::kValueCas: {
      std::string_view expected = call.expected;
      denied_unless(store_.compare_and_set(call.key, call.has_expected ? &expected : nullptr,
                                           call.text));
      break;
    }
    case SharedOp::kValueErase:
      reply.found = store_.erase(call.key);
      break;
    default:
      return error(call, "an unknown call");
  }
  return reply;
}

}  // namespace nest::host
