// Where a worker of a distributed run keeps the run's shared data: on its master, so that a
// claimed row is held by one user of the whole run, and counters and values are the run's.
// While one is installed (set_shared_remote), every claim, release, counter and value of this
// process goes through it; next() and random() stay here, on this worker's copy of the rows.
// The worker node implements it (cluster/shared_client.h); the SDK calls are the same.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shared/claim_queue.h"

namespace nest::host {

class FeederTable;

class SharedRemote {
 public:
  // Claims as ClaimQueue's, for `table` (named to the master by its name, size and a digest of
  // its rows). claim_or_wait always waits: the master's answer (a grant, or a denial when
  // `timeout` passed there) ends the wait; wait_bound() is how long to wait for it.
  virtual void claim(const FeederTable& table, const std::shared_ptr<ClaimWait>& wait,
                     std::chrono::nanoseconds timeout) = 0;
  // The wait is over (answered, or its bound passed, or the run stops): the row granted, or
  // none (a late grant is given back). Throws std::runtime_error when the master refused.
  virtual std::optional<std::size_t> stop_waiting(const FeederTable& table,
                                                  const std::shared_ptr<ClaimWait>& wait) = 0;
  virtual void give_back(const FeederTable& table, std::size_t row) = 0;
  virtual std::chrono::nanoseconds wait_bound(std::chrono::nanoseconds timeout) const = 0;

  // Counters and values: as SharedStore's, answered by the master (the calling user parks
  // meanwhile). Each throws std::runtime_error when no answer comes.
  virtual std::int64_t counter_add(std::string_view name, std::int64_t delta) = 0;
  virtual std::int64_t counter_get(std::string_view name) = 0;
  virtual void counter_set(std::string_view name, std::int64_t value) = 0;
  virtual bool counter_compare_and_set(std::string_view name, std::int64_t expected,
                                       std::int64_t desired) = 0;
  virtual bool value_get(std::string_view key, std::string& value) = 0;
  virtual void value_set(std::string_view key, std::string_view value) = 0;
  virtual bool value_compare_and_set(std::string_view key, const std::string_view* expected,
                                     std::string_view value) = 0;
  virtual bool value_erase(std::string_view key) = 0;

  // next() on this worker: worker `first` of `step` takes rows first, first + step, ... (mod
  // the rows), so the workers' turns together go through the rows as one process's would.
  struct Stride {
    std::size_t first = 0, step = 1;
  };
  virtual Stride stride() const = 0;

 protected:
  ~SharedRemote() = default;
};

// Installed by a worker for its run (null: this process's own data, as in a single run).
void set_shared_remote(SharedRemote* remote);
SharedRemote* shared_remote();

}  // namespace nest::host
