// The per-worker sink for samples: a few array increments per request, no locks.
//
// Thread-safety: owned by one worker thread; every method must be called on that thread
// (the aggregator reaches it by posting take() to the worker's io_context).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stats/sample_set.h"

namespace nest::host {

class Recorder {
 public:
  // A stable id for the row (method, name); creates it on first use.
  unsigned row(std::string_view method, std::string_view name);

  // One completed request on `row`. `error` is ignored unless failed.
  void add(unsigned row, std::uint64_t micros, std::uint64_t bytes, bool failed,
           std::string_view error);
  // A new connection took `micros` to set up (connect, TLS handshake).
  void connected(std::uint64_t micros);
  // An open-model session started `micros` after its scheduled moment.
  void session_started(std::uint64_t micros);
  // A request on `row` was sent and is abandoned unanswered (the drain ran out, a halt).
  void cut(unsigned row) { ++cut_[rows_[row].key]; }
  // An exception escaped task code.
  void exception(std::string_view taskset, std::string_view task, std::string_view message);

  // Moves out what was recorded since the last call and starts a new interval.
  SampleSet take();

 private:
  struct Row {
    RowKey key;
    RowStats stats;
  };
  std::unordered_map<std::string, unsigned> index_;  // "METHOD name" -> rows_ index
  std::string scratch_;                              // reused key buffer
  std::vector<Row> rows_;
  std::map<FailureKey, std::uint64_t> failures_;
  std::map<ExceptionKey, std::uint64_t> exceptions_;
  RowStats connects_;
  RowStats start_lag_;
  std::map<RowKey, std::uint64_t> cut_;
};

}  // namespace nest::host
