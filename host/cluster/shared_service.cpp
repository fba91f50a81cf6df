#include "cluster/shared_service.h"

#include <algorithm>

namespace nest::host {
namespace {

SharedReply answer_to(const SharedCall& call) {
  SharedReply reply;
  reply.id = call.id;
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
      cancel(worker, call.id);
      return std::nullopt;
    default:
      return counters_and_values(call);
  }
}

SharedReply SharedService::claim(std::uint32_t worker, const SharedCall& call,
                                 Clock::time_point now, bool& waits) {
  if (call.size == 0) return error(call, "feeder " + call.key + " has no rows");
  auto found = feeders_.find(call.key);
  if (found == feeders_.end()) {
    Feeder f;
    f.digest = call.digest;
    f.first = worker;
    f.queue = std::make_unique<ClaimQueue>(call.size);
    f.holder.assign(call.size, -1);
    found = feeders_.emplace(call.key, std::move(f)).first;
  }
  Feeder& feeder = found->second;
  if (feeder.holder.size() != call.size || feeder.digest != call.digest) {
    return error(call, "the feeder " + call.key + " differs between workers: " +
                           worker_name(worker) + "'s has " + std::to_string(call.size) +
                           " rows, " + worker_name(feeder.first) + "'s " +
                           std::to_string(feeder.holder.size()) +
                           (feeder.holder.size() == call.size ? " with other values" : "") +
                           "; give every worker the same file");
  }
  auto wait = std::make_shared<ClaimWait>();
  WaitKey key{worker, call.id};
  wait->wake = [this, key] { granted_.push_back(key); };  // under the queue's lock: only notes
  SharedReply reply = answer_to(call);
  if (auto row = feeder.queue->claim_or_wait(wait)) {
    feeder.holder[*row] = worker;
    reply.row = *row;
    return reply;
  }
  if (call.timeout_s <= 0) {
    feeder.queue->stop_waiting(wait);  // nothing can have granted it meanwhile
    reply.status = SharedReply::Status::kDenied;
    return reply;
  }
  auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::min(call.timeout_s, 1e9)));
  waiting_[key] = Waiting{&feeder, wait, now + timeout};
  waits = true;
  return reply;
}

void SharedService::release(std::uint32_t worker, const SharedCall& call) {
  auto found = feeders_.find(call.key);
  if (found == feeders_.end()) return;
  Feeder& feeder = found->second;
  // Only a row this worker holds: one released for it while it was missing is another's now.
  if (call.row >= feeder.holder.size() || feeder.holder[call.row] != worker) return;
  feeder.holder[call.row] = -1;
  feeder.queue->give_back(call.row);
}

void SharedService::cancel(std::uint32_t worker, std::uint64_t id) {
  auto found = waiting_.find({worker, id});
  if (found == waiting_.end()) return;  // answered already: the worker gives a grant back
  Waiting w = std::move(found->second);
  waiting_.erase(found);
  // Granted but not yet answered: nobody will hold the row, so it goes on at once.
  if (auto row = w.feeder->queue->stop_waiting(w.wait)) w.feeder->queue->give_back(*row);
}

std::vector<SharedService::Answer> SharedService::take_answers(Clock::time_point now) {
  std::vector<Answer> answers;
  auto grant = [&](const WaitKey& key, Waiting& w, std::size_t row) {
    w.feeder->holder[row] = key.first;
    Answer a{key.first, {}};
    a.reply.id = key.second;
    a.reply.row = row;
    answers.push_back(std::move(a));
  };
  // A grant can free nothing, so this list does not grow while it is read.
  for (const WaitKey& key : std::exchange(granted_, {})) {
    auto found = waiting_.find(key);
    if (found == waiting_.end()) continue;  // cancelled meanwhile: cancel() gave the row on
    grant(key, found->second, *found->second.wait->granted);
    waiting_.erase(found);
  }
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    if (auto row = it->second.feeder->queue->stop_waiting(it->second.wait)) {
      grant(it->first, it->second, *row);
    } else {
      Answer a{it->first.first, {}};
      a.reply.id = it->first.second;
      a.reply.status = SharedReply::Status::kDenied;
      answers.push_back(std::move(a));
    }
    it = waiting_.erase(it);
  }
  return answers;
}

std::optional<SharedService::Clock::time_point> SharedService::next_deadline() const {
  std::optional<Clock::time_point> first;
  for (const auto& [key, w] : waiting_) {
    if (!first || w.deadline < *first) first = w.deadline;
  }
  return first;
}

std::size_t SharedService::release_all(std::uint32_t worker) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->first.first != worker) {
      ++it;
      continue;
    }
    if (auto row = it->second.feeder->queue->stop_waiting(it->second.wait)) {
      it->second.feeder->queue->give_back(*row);
    }
    it = waiting_.erase(it);
  }
  std::size_t held = 0;
  for (auto& [name, feeder] : feeders_) {
    for (std::size_t row = 0; row < feeder.holder.size(); ++row) {
      if (feeder.holder[row] != worker) continue;
      feeder.holder[row] = -1;
      feeder.queue->give_back(row);
      ++held;
    }
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
