#include "cluster/wire.h"

#include <bit>
#include <cstring>

namespace nest::host {
namespace {

class Writer {
 public:
  explicit Writer(MessageType type) { out_.push_back(static_cast<char>(type)); }
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void d(double v) {
    auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void s(std::string_view v) {
    u(v.size());
    out_.append(v);
  }
  void row(const RowStats& r) {
    u(r.requests);
    u(r.failures);
    u(r.total_us);
    u(r.bytes);
    const auto& counts = r.times.counts();
    std::uint64_t used = 0;
    for (auto c : counts) used += c != 0;
    u(used);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] == 0) continue;
      u(i);
      u(counts[i]);
    }
    u(r.times.min());
    u(r.times.max());
  }
  void set(const SampleSet& set) {
    u(set.rows.size());
    for (const auto& [key, stats] : set.rows) {
      s(key.method);
      s(key.name);
      row(stats);
    }
    u(set.failures.size());
    for (const auto& [key, n] : set.failures) {
      s(key.method);
      s(key.name);
      s(key.error);
      u(n);
    }
    u(set.exceptions.size());
    for (const auto& [key, n] : set.exceptions) {
      s(key.taskset);
      s(key.task);
      s(key.message);
      u(n);
    }
    row(set.connects);
    row(set.start_lag);
    u(set.dropped);
    u(set.cut.size());
    for (const auto& [key, n] : set.cut) {
      s(key.method);
      s(key.name);
      u(n);
    }
    u(set.lingering.size());
    for (const auto& name : set.lingering) s(name);
    u(set.users);
    u(set.visiting.size());
    for (const auto& [name, n] : set.visiting) {
      s(name);
      u(n);
    }
    u(set.max_lag_us);
  }
  void target(const LoadTarget& t) {
    if (const auto* users = std::get_if<UsersTarget>(&t)) {
      u(0);
      u(users->users);
      d(users->spawn_rate);
    } else {
      const auto& arrivals = std::get<ArrivalTarget>(t);
      u(1);
      d(arrivals.rate);
      d(arrivals.ramp.count());
      u(arrivals.max_users);
    }
  }
  void i(std::int64_t v) { u(static_cast<std::uint64_t>(v)); }  // two's complement
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view frame, MessageType type, const char* what) : in_(frame), what_(what) {
    if (message_type(frame) != type) fail("a frame of another type");
    in_.remove_prefix(1);
  }
  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) fail("cut short");
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      if (shift == 63 && byte > 1) fail("a number over 64 bits");
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    fail("a number over 64 bits");
  }
  double d() {
    if (in_.size() < 8) fail("cut short");
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    in_.remove_prefix(8);
    return std::bit_cast<double>(bits);
  }
  std::string s() {
    std::uint64_t n = u();
    if (n > in_.size()) fail("a string longer than the frame");
    std::string v(in_.substr(0, n));
    in_.remove_prefix(n);
    return v;
  }
  // A count of items that take at least `each` bytes: never more than the frame can hold.
  std::uint64_t count(std::size_t each = 1) {
    std::uint64_t n = u();
    if (n > in_.size() / each) fail("more items than the frame holds");
    return n;
  }
  bool flag() {
    std::uint64_t v = u();
    if (v > 1) fail("a flag that is neither 0 nor 1");
    return v == 1;
  }
  RowStats row() {
    RowStats r;
    r.requests = u();
    r.failures = u();
    r.total_us = u();
    r.bytes = u();
    std::vector<std::pair<int, std::uint64_t>> buckets(count(2));
    for (auto& [index, n] : buckets) {
      std::uint64_t i = u();
      if (i >= static_cast<std::uint64_t>(Histogram::kBucketCount)) fail("a bucket out of range");
      index = static_cast<int>(i);
      n = u();
    }
    std::uint64_t min = u(), max = u();
    try {
      r.times = Histogram::restore(buckets, min, max);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    return r;
  }
  SampleSet set() {
    SampleSet set;
    for (auto n = count(3); n > 0; --n) {
      RowKey key{s(), s()};
      set.rows[key].merge(row());
    }
    for (auto n = count(4); n > 0; --n) {
      FailureKey key{s(), s(), s()};
      set.failures[key] += u();
    }
    for (auto n = count(4); n > 0; --n) {
      ExceptionKey key{s(), s(), s()};
      set.exceptions[key] += u();
    }
    set.connects = row();
    set.start_lag = row();
    set.dropped = u();
    for (auto n = count(3); n > 0; --n) {
      RowKey key{s(), s()};
      set.cut[key] += u();
    }
    for (auto n = count(1); n > 0; --n) set.lingering.insert(s());
    set.users = u();
    for (auto n = count(2); n > 0; --n) {
      std::string name = s();
      set.visiting[name] += u();
    }
    set.max_lag_us = u();
    return set;
  }
  LoadTarget target() {
    switch (u()) {
      case 0: {
        UsersTarget t;
        t.users = u();
        t.spawn_rate = d();
        return t;
      }
      case 1: {
        ArrivalTarget t;
        t.rate = d();
        t.ramp = std::chrono::duration<double>(d());
        t.max_users = u();
        return t;
      }
      default:
        fail("an aim of unknown kind");
    }
  }
  std::int64_t i() { return static_cast<std::int64_t>(u()); }
  template <typename Enum>
  Enum choice(Enum last, const char* what) {
    std::uint64_t v = u();
    if (v > static_cast<std::uint64_t>(last)) fail(std::string("an unknown ") + what);
    return static_cast<Enum>(v);
  }
  void end() {
    if (!in_.empty()) fail("bytes after its end");
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw WireError(std::string("a malformed ") + what_ + " message: " + why);
  }
  std::string_view in_;
  const char* what_;
};

}  // namespace

MessageType message_type(std::string_view frame) {
  if (frame.empty()) throw WireError("an empty message");
  auto type = static_cast<std::uint8_t>(frame.front());
  if (type < static_cast<std::uint8_t>(MessageType::kJoin) ||
      type > static_cast<std::uint8_t>(MessageType::kSharedReply)) {
    throw WireError("a message of unknown type " + std::to_string(type));
  }
  return static_cast<MessageType>(type);
}

std::string protocol_version() {
  return std::string(NEST_VERSION) + " (messages " + std::to_string(kMessagesLayout) + ")";
}

std::string encode(const JoinMessage& m) {
  Writer w(MessageType::kJoin);
  w.s(m.version);
  w.u(m.abi);
  w.s(m.worker);
  w.u(m.tasksets.size());
  for (const auto& t : m.tasksets) {
    w.s(t.name);
    w.u(static_cast<std::uint64_t>(t.weight));
  }
  return w.take();
}

JoinMessage decode_join(std::string_view frame) {
  Reader r(frame, MessageType::kJoin, "join");
  JoinMessage m;
  m.version = r.s();
  m.abi = static_cast<std::uint32_t>(r.u());
  m.worker = r.s();
  m.tasksets.resize(r.count(2));
  for (auto& t : m.tasksets) {
    t.name = r.s();
    t.weight = static_cast<int>(r.u() & 0x7fffffff);
  }
  r.end();
  return m;
}

std::string encode(const RefuseMessage& m) {
  Writer w(MessageType::kRefuse);
  w.s(m.reason);
  return w.take();
}

RefuseMessage decode_refuse(std::string_view frame) {
  Reader r(frame, MessageType::kRefuse, "refusal");
  RefuseMessage m{r.s()};
  r.end();
  return m;
}

std::string encode(const PlanMessage& m) {
  Writer w(MessageType::kPlan);
  w.u(m.run_id);
  w.u(m.index);
  w.u(m.workers);
  w.s(m.host);
  w.u(m.open);
  w.u(m.arrivals);
  w.u(m.max_users);
  w.target(m.target);
  w.d(m.run_time_s);
  w.d(m.start_in_s);
  w.u(m.seed);
  w.u(m.weights.size());
  for (const auto& [name, weight] : m.weights) {
    w.s(name);
    w.u(static_cast<std::uint64_t>(weight));
  }
  w.u(m.stop_timeout_ms);
  w.u(m.drain_timeout_ms);
  for (const auto* list : {&m.tags, &m.exclude_tags}) {
    w.u(list->size());
    for (const auto& tag : *list) w.s(tag);
  }
  return w.take();
}

PlanMessage decode_plan(std::string_view frame) {
  Reader r(frame, MessageType::kPlan, "plan");
  PlanMessage m;
  m.run_id = r.u();
  m.index = static_cast<std::uint32_t>(r.u());
  m.workers = static_cast<std::uint32_t>(r.u());
  m.host = r.s();
  m.open = r.flag();
  m.arrivals = static_cast<std::uint8_t>(r.flag());
  m.max_users = r.u();
  m.target = r.target();
  m.run_time_s = r.d();
  m.start_in_s = r.d();
  m.seed = r.u();
  m.weights.resize(r.count(2));
  for (auto& [name, weight] : m.weights) {
    name = r.s();
    weight = static_cast<int>(r.u() & 0x7fffffff);
  }
  m.stop_timeout_ms = r.u();
  m.drain_timeout_ms = r.u();
  for (auto* list : {&m.tags, &m.exclude_tags}) {
    list->resize(r.count(1));
    for (auto& tag : *list) tag = r.s();
  }
  r.end();
  return m;
}

std::string encode(const ReportMessage& m) {
  Writer w(MessageType::kReport);
  w.u(m.run_id);
  w.u(m.index);
  w.u(m.sequence);
  w.d(m.elapsed_s);
  w.u(m.spawning);
  w.u(m.stopping);
  w.u(m.final);
  w.set(m.interval);
  w.set(m.cumulative);
  return w.take();
}

ReportMessage decode_report(std::string_view frame) {
  Reader r(frame, MessageType::kReport, "report");
  ReportMessage m;
  m.run_id = r.u();
  m.index = static_cast<std::uint32_t>(r.u());
  m.sequence = r.u();
  m.elapsed_s = r.d();
  m.spawning = r.flag();
  m.stopping = r.flag();
  m.final = r.flag();
  m.interval = r.set();
  m.cumulative = r.set();
  r.end();
  return m;
}

std::string encode(const StopMessage& m) {
  Writer w(MessageType::kStop);
  w.u(m.run_id);
  return w.take();
}

StopMessage decode_stop(std::string_view frame) {
  Reader r(frame, MessageType::kStop, "stop");
  StopMessage m{r.u()};
  r.end();
  return m;
}

std::string encode(const HeartbeatMessage& m) {
  Writer w(MessageType::kHeartbeat);
  w.u(m.run_id);
  return w.take();
}

HeartbeatMessage decode_heartbeat(std::string_view frame) {
  Reader r(frame, MessageType::kHeartbeat, "heartbeat");
  HeartbeatMessage m{r.u()};
  r.end();
  return m;
}

std::string encode(const SteerMessage& m) {
  Writer w(MessageType::kSteer);
  w.u(m.run_id);
  w.target(m.target);
  return w.take();
}

SteerMessage decode_steer(std::string_view frame) {
  Reader r(frame, MessageType::kSteer, "steer");
  SteerMessage m;
  m.run_id = r.u();
  m.target = r.target();
  r.end();
  return m;
}

std::string encode(const SharedCall& m) {
  Writer w(MessageType::kShared);
  w.u(m.run_id);
  w.u(m.index);
  w.u(m.id);
  w.u(static_cast<std::uint8_t>(m.op));
  w.s(m.key);
  w.u(m.size);
  w.u(m.digest);
  w.u(m.row);
  w.d(m.timeout_s);
  w.i(m.number);
  w.i(m.expected_number);
  w.u(m.has_expected);
  w.s(m.expected);
  w.s(m.text);
  return w.take();
}

SharedCall decode_shared_call(std::string_view frame) {
  Reader r(frame, MessageType::kShared, "shared-data call");
  SharedCall m;
  m.run_id = r.u();
  m.index = static_cast<std::uint32_t>(r.u());
  m.id = r.u();
  m.op = r.choice(SharedOp::kValueErase, "shared-data call");
  m.key = r.s();
  m.size = r.u();
  m.digest = r.u();
  m.row = r.u();
  m.timeout_s = r.d();
  m.number = r.i();
  m.expected_number = r.i();
  m.has_expected = r.flag();
  m.expected = r.s();
  m.text = r.s();
  r.end();
  return m;
}

std::string encode(const SharedReply& m) {
  Writer w(MessageType::kSharedReply);
  w.u(m.id);
  w.u(static_cast<std::uint8_t>(m.status));
  w.u(m.row);
  w.i(m.number);
  w.u(m.found);
  w.s(m.text);
  return w.take();
}

SharedReply decode_shared_reply(std::string_view frame) {
  Reader r(frame, MessageType::kSharedReply, "shared-data reply");
  SharedReply m;
  m.id = r.u();
  m.status = r.choice(SharedReply::Status::kError, "answer");
  m.row = r.u();
  m.number = r.i();
  m.found = r.flag();
  m.text = r.s();
  r.end();
  return m;
}

}  // namespace nest::host
