// nest/shared.h — data shared by every user of the run: feeders (rows of test data, handed out
// in turn, at random, or claimed by one user at a time), counters, and values by key.
//
// A thousand users must log in as a thousand different accounts: claim a row in on_start, give
// it back in on_stop. No other user gets a claimed row until it is released; when every row is
// claimed, claim() pauses the user (never the thread) until one is released or its timeout
// passes. A user that leaves its taskset still holding rows (on_stop forgot, a throw, the run's
// end) has them released for it.
//
//     class Shopper : public nest::TaskSet {
//      public:
//       Shopper() {
//         task(1, "browse", [this] { client().get("/items"); });
//       }
//       void on_start() override {
//         account_ = accounts_.claim();  // waits up to 30 s for a free account
//         client().post("/login", "user=" + account_["username"] + "&password=" + account_["password"]);
//       }
//       void on_stop() override {
//         client().post("/logout");
//         accounts_.release(account_);
//       }
//      private:
//       nest::Feeder accounts_ = nest::Feeder::csv("config/accounts.csv");  // one for the run
//       nest::Row account_;
//     };
//
// Handles (Feeder, Counter) are cheap to make in each TaskSet's constructor: the data behind a
// name is made once per run and shared. Everything here is thread-safe. docs/shared-data.md is
// the guide.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nest/detail/host_hooks.h"
#include "nest/detail/shared_hooks.h"
#include "nest/detail/visibility.h"

namespace nest {

// Thrown by Feeder::claim() when no row came free within its timeout. Like any exception from
// task code it is counted in the exceptions table (with taskset and task); one escaping
// on_start ends the visit (see docs/tasksets.md).
struct NEST_SDK_API ClaimTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One row of a feeder: its fields by name (the CSV header's) or by position. A default Row is
// empty (no row). Valid for the whole run; copying it copies a handle, not the data.
class Row {
 public:
  Row() = default;

  bool empty() const { return data_ == nullptr; }
  explicit operator bool() const { return data_ != nullptr; }
  // The field named `field`. Throws std::out_of_range naming the feeder and its fields when
  // it has none of that name, std::logic_error on an empty Row.
  const std::string& operator[](std::string_view field) const {
    const auto& fields = checked().fields();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i] == field) return data_->row(index_)[i];
    }
    std::string names;
    for (const auto& f : fields) names += (names.empty() ? "" : ", ") + f;
    throw std::out_of_range("feeder " + data_->name() + " has no field '" + std::string(field) +
                            "' (its fields: " + names + ")");
  }
  // The field at `column` (0-based); std::out_of_range past the last.
  const std::string& at(std::size_t column) const { return checked().row(index_).at(column); }
  std::size_t size() const { return checked().fields().size(); }
  // Its place in the feeder: 0 for the first row after the header.
  std::size_t index() const { return index_; }

 private:
  friend class Feeder;
  Row(detail::FeederData* data, std::size_t index) : data_(data), index_(index) {}
  const detail::FeederData& checked() const {
    if (!data_) throw std::logic_error("nest::Row: an empty row (none was claimed or taken)");
    return *data_;
  }

  detail::FeederData* data_ = nullptr;
  std::size_t index_ = 0;
};

// Rows of test data shared by every user of the run.
class Feeder {
 public:
  // The rows of a CSV file (RFC 4180: a header row naming the fields, then one row per line;
  // quoted fields may hold commas, quotes and line breaks). `path` is relative to nest-host's
  // working directory. Read once per run, on first use; an unreadable or malformed file throws
  // std::runtime_error naming the file and line (in a constructor, the taskset is reported and
  // left out).
  static Feeder csv(std::string_view path) { return Feeder(&detail::host().shared()->csv_feeder(path)); }
  // Rows made in code, shared under `name`: the first call's rows make the feeder, later calls
  // with that name share it (their rows are not read). Every row has fields.size() values.
  static Feeder list(std::string_view name, std::vector<std::string> fields,
                     std::vector<std::vector<std::string>> rows) {
    return Feeder(
        &detail::host().shared()->list_feeder(name, std::move(fields), std::move(rows)));
  }

  // The next row in turn, from the first again after the last (Gatling's circular): shared by
  // every user, so two users never get the same row in a row.
  Row next() { return {data_, data_->next()}; }
  // Any row, uniformly at random, drawn from the user's thread's generator: a run with the same
  // --seed picks the same rows.
  Row random() { return {data_, data_->random()}; }
  // A row no other user holds, until release() (or until this user leaves its taskset). When
  // every row is held, the user pauses until one is released, at most `timeout`, then throws
  // nest::ClaimTimeout. Only from task code (tasks, on_start, on_stop). A stop of the run
  // while waiting ends the wait as any sleep's.
  Row claim(std::chrono::nanoseconds timeout = std::chrono::seconds(30)) {
    return {data_, data_->claim(timeout)};
  }
  // Gives `row` back for other users and empties it. An empty row does nothing; a row this
  // user does not hold throws std::logic_error.
  void release(Row& row) {
    if (row.empty()) return;
    if (row.data_ != data_) throw std::logic_error("nest::Feeder::release: a row of another feeder");
    data_->release(row.index_);
    row = Row();
  }

  std::size_t size() const { return data_->size(); }
  const std::string& name() const { return data_->name(); }
  const std::vector<std::string>& fields() const { return data_->fields(); }

 private:
  explicit Feeder(detail::FeederData* data) : data_(data) {}
  detail::FeederData* data_;
};

// A whole number shared by every user, by name: made at 0 the first time a name is used.
//     nest::Counter orders{"orders"};
//     std::int64_t mine = orders.add(1);   // atomic: no two users get the same value back
class Counter {
 public:
  explicit Counter(std::string_view name) : data_(&detail::host().shared()->counter(name)) {}
  // Adds `delta`; returns the value after adding.
  std::int64_t add(std::int64_t delta = 1) { return data_->add(delta); }
  std::int64_t get() const { return data_->get(); }
  void set(std::int64_t value) { data_->set(value); }
  // Sets `desired` only if the value is `expected`; whether it did.
  bool compare_and_set(std::int64_t expected, std::int64_t desired) {
    return data_->compare_and_set(expected, desired);
  }

 private:
  detail::CounterData* data_;
};

// Text values shared by every user, by key: what one user makes and another uses (the order
// a buyer placed, looked up by a support agent). Each call is atomic.
namespace shared {

// The key's value, or none.
inline std::optional<std::string> get(std::string_view key) {
  std::string value;
  if (!detail::host().shared()->get(key, value)) return std::nullopt;
  return value;
}
inline void set(std::string_view key, std::string_view value) {
  detail::host().shared()->set(key, value);
}
// Sets `value` only when the key's value is `expected` (std::nullopt: when it has none);
// whether it did.
inline bool compare_and_set(std::string_view key, std::optional<std::string_view> expected,
                            std::string_view value) {
  return detail::host().shared()->compare_and_set(key, expected ? &*expected : nullptr, value);
}
// Removes the key's value; whether it had one.
inline bool erase(std::string_view key) { return detail::host().shared()->erase(key); }

}  // namespace shared
}  // namespace nest
