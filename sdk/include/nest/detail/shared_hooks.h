// nest/detail/shared_hooks.h — the host's side of nest/shared.h. Not for taskset authors.
//
// nest-host implements these; a plugin reaches them through Host::shared. Their virtual
// functions cross the plugin boundary, where nest/plugin.h's layout guard cannot see them: any
// change here (a function added, removed, reordered or retyped) needs a kAbiVersion bump. Every object handed
// out lives as long as the process, so the SDK's handles (Feeder, Row, Counter) hold plain
// pointers to them. Called from any worker thread at once: implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nest::detail {

// One feeder's rows, and who holds which (claims).
class FeederData {
 public:
  virtual const std::string& name() const = 0;                 // the path, or the list's name
  virtual const std::vector<std::string>& fields() const = 0;  // the header row
  virtual std::size_t size() const = 0;                        // rows, header not counted
  virtual const std::vector<std::string>& row(std::size_t index) const = 0;
  virtual std::size_t next() = 0;    // the row after the last one handed out, wrapping
  virtual std::size_t random() = 0;  // any row, uniformly
  // A row no other user holds, now or after pausing the calling user (never the thread) until
  // one is released, at most `timeout`: then nest::ClaimTimeout. Only from a running user.
  virtual std::size_t claim(std::chrono::nanoseconds timeout) = 0;
  // Gives back a row the calling user holds (std::logic_error when it holds none by `index`).
  virtual void release(std::size_t index) = 0;

 protected:
  ~FeederData() = default;
};

// One named counter shared by every user.
class CounterData {
 public:
  virtual std::int64_t add(std::int64_t delta) = 0;  // returns the value after adding
  virtual std::int64_t get() const = 0;
  virtual void set(std::int64_t value) = 0;
  virtual bool compare_and_set(std::int64_t expected, std::int64_t desired) = 0;

 protected:
  ~CounterData() = default;
};

// The run's shared data.
class SharedData {
 public:
  // The feeder over the CSV file at `path` (relative to nest-host's working directory), read
  // on first use; the same object for every later call with that file. Throws
  // std::runtime_error naming the file (and line) when it cannot be read.
  virtual FeederData& csv_feeder(std::string_view path) = 0;
  // The feeder named `name`: the first call's fields and rows make it; later calls with that
  // name get the same object (their rows are ignored). Throws std::invalid_argument when a
  // row's size differs from the fields'.
  virtual FeederData& list_feeder(std::string_view name, std::vector<std::string>&& fields,
                                  std::vector<std::vector<std::string>>&& rows) = 0;
  virtual CounterData& counter(std::string_view name) = 0;  // made at 0 on first use
  // Values by key: false (value untouched) when the key has none.
  virtual bool get(std::string_view key, std::string& value) = 0;
  virtual void set(std::string_view key, std::string_view value) = 0;
  // Sets `value` when the key's value is `*expected` (null `expected`: when it has none).
  virtual bool compare_and_set(std::string_view key, const std::string_view* expected,
                               std::string_view value) = 0;
  virtual bool erase(std::string_view key) = 0;  // whether it had a value

 protected:
  ~SharedData() = default;
};

}  // namespace nest::detail
