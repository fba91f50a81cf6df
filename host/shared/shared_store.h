// The run's shared data (nest/shared.h): feeders by file or name, counters, values. One store
// per process, made on first use and never freed, so the SDK's handles stay valid for the
// whole run; nest-host runs one run per process. Thread-safe. In a distributed run's worker,
// claims, counters and values are the master's (shared/shared_remote.h): the same calls reach
// them there.
#pragma once

#include <nest/detail/shared_hooks.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "shared/feeder_table.h"

namespace nest::host {

class SharedStore final : public nest::detail::SharedData {
 public:
  SharedStore();
  ~SharedStore();  // where Counter is complete

  nest::detail::FeederData& csv_feeder(std::string_view path) override;
  nest::detail::FeederData& list_feeder(std::string_view name, std::vector<std::string>&& fields,
                                        std::vector<std::vector<std::string>>&& rows) override;
  nest::detail::CounterData& counter(std::string_view name) override;
  bool get(std::string_view key, std::string& value) override;
  void set(std::string_view key, std::string_view value) override;
  bool compare_and_set(std::string_view key, const std::string_view* expected,
                       std::string_view value) override;
  bool erase(std::string_view key) override;

 private:
  class Counter;
  std::mutex mutex_;
  // By the file's absolute path ("file:...") or the list's name ("list:...").
  std::map<std::string, std::unique_ptr<FeederTable>, std::less<>> feeders_;
  // A CSV feeder by its path as given (the key above needs the file system to resolve).
  std::map<std::string, FeederTable*, std::less<>> by_given_path_;
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters_;
  std::map<std::string, std::string, std::less<>> values_;
};

// The process's store: what Host::shared hands every plugin.
SharedStore& shared_store();
nest::detail::SharedData* shared_data();  // the same, as Host::shared's function

}  // namespace nest::host
