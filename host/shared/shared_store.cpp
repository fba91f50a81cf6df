#include "shared/shared_store.h"

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "shared/csv_table.h"
#include "shared/shared_remote.h"

namespace nest::host {

namespace {

std::atomic<SharedRemote*> g_remote{nullptr};

}  // namespace

void set_shared_remote(SharedRemote* remote) { g_remote.store(remote, std::memory_order_release); }
SharedRemote* shared_remote() { return g_remote.load(std::memory_order_acquire); }

// Here, or the master's (a distributed run's worker) under the same name.
class SharedStore::Counter final : public nest::detail::CounterData {
 public:
  explicit Counter(std::string name) : name_(std::move(name)) {}
  std::int64_t add(std::int64_t delta) override {
    if (SharedRemote* remote = shared_remote()) return remote->counter_add(name_, delta);
    return value_.fetch_add(delta) + delta;
  }
  std::int64_t get() const override {
    if (SharedRemote* remote = shared_remote()) return remote->counter_get(name_);
    return value_.load();
  }
  void set(std::int64_t value) override {
    if (SharedRemote* remote = shared_remote()) return remote->counter_set(name_, value);
    value_.store(value);
  }
  bool compare_and_set(std::int64_t expected, std::int64_t desired) override {
    if (SharedRemote* remote = shared_remote()) {
      return remote->counter_compare_and_set(name_, expected, desired);
    }
    return value_.compare_exchange_strong(expected, desired);
  }

 private:
  const std::string name_;
  std::atomic<std::int64_t> value_{0};
};

SharedStore::SharedStore() = default;
SharedStore::~SharedStore() = default;

nest::detail::FeederData& SharedStore::csv_feeder(std::string_view path) {
  std::lock_guard lock(mutex_);
  if (auto known = by_given_path_.find(path); known != by_given_path_.end()) return *known->second;
  std::string given(path);
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::weakly_canonical(given, ec);
  std::string key = "file:" + (ec ? given : absolute.string());
  auto found = feeders_.find(key);
  if (found == feeders_.end()) {
    // Read under the lock: the first users to need the file all wait for the one read (and
    // so do the counters and values meanwhile, once per file and run).
    CsvTable table = read_csv_table(given);
    auto feeder =
        std::make_unique<FeederTable>(given, std::move(table.fields), std::move(table.rows));
    found = feeders_.emplace(key, std::move(feeder)).first;
  }
  by_given_path_.emplace(given, found->second.get());
  return *found->second;
}

nest::detail::FeederData& SharedStore::list_feeder(std::string_view name,
                                                   std::vector<std::string>&& fields,
                                                   std::vector<std::vector<std::string>>&& rows) {
  std::string key = "list:" + std::string(name);
  std::lock_guard lock(mutex_);
  auto found = feeders_.find(key);
  if (found != feeders_.end()) return *found->second;
  std::string label(name);
  if (fields.empty()) throw std::invalid_argument("feeder " + label + ": no fields");
  if (rows.empty()) throw std::invalid_argument("feeder " + label + ": no rows");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != fields.size()) {
      throw std::invalid_argument("feeder " + label + ": row " + std::to_string(i) + " has " +
                                  std::to_string(rows[i].size()) + " values, but " +
                                  std::to_string(fields.size()) + " fields are named");
    }
  }
  auto feeder = std::make_unique<FeederTable>(label, std::move(fields), std::move(rows));
  return *feeders_.emplace(key, std::move(feeder)).first->second;
}

nest::detail::CounterData& SharedStore::counter(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto found = counters_.find(name);
  if (found != counters_.end()) return *found->second;
  return *counters_.emplace(std::string(name), std::make_unique<Counter>(std::string(name)))
              .first->second;
}

bool SharedStore::get(std::string_view key, std::string& value) {
  if (SharedRemote* remote = shared_remote()) return remote->value_get(key, value);
  std::lock_guard lock(mutex_);
  auto found = values_.find(key);
  if (found == values_.end()) return false;
  value = found->second;
  return true;
}

void SharedStore::set(std::string_view key, std::string_view value) {
  if (SharedRemote* remote = shared_remote()) return remote->value_set(key, value);
  std::lock_guard lock(mutex_);
  auto found = values_.find(key);
  if (found != values_.end()) {
    found->second = value;
  } else {
    values_.emplace(std::string(key), std::string(value));
  }
}

bool SharedStore::compare_and_set(std::string_view key, const std::string_view* expected,
                                  std::string_view value) {
  if (SharedRemote* remote = shared_remote()) return remote->value_compare_and_set(key, expected, value);
  std::lock_guard lock(mutex_);
  auto found = values_.find(key);
  if (!expected) {
    if (found != values_.end()) return false;
    values_.emplace(std::string(key), std::string(value));
    return true;
  }
  if (found == values_.end() || found->second != *expected) return false;
  found->second = value;
  return true;
}

bool SharedStore::erase(std::string_view key) {
  if (SharedRemote* remote = shared_remote()) return remote->value_erase(key);
  std::lock_guard lock(mutex_);
  auto found = values_.find(key);
  if (found == values_.end()) return false;
  values_.erase(found);
  return true;
}

SharedStore& shared_store() {
  static SharedStore* store = new SharedStore;  // never freed: handles outlive any teardown
  return *store;
}

nest::detail::SharedData* shared_data() { return &shared_store(); }

}  // namespace nest::host
