#include "stats/recorder.h"

namespace nest::host {

unsigned Recorder::row(std::string_view method, std::string_view name) {
  scratch_.assign(method).append(1, '\0').append(name);  // no method and name run together
  auto it = index_.find(scratch_);
  if (it != index_.end()) return it->second;
  auto id = static_cast<unsigned>(rows_.size());
  rows_.push_back({RowKey{std::string(method), std::string(name)}, {}});
  index_.emplace(scratch_, id);
  return id;
}

void Recorder::add(unsigned row, std::uint64_t micros, std::uint64_t bytes, bool failed,
                   std::string_view error) {
  Row& r = rows_[row];
  ++r.stats.requests;
  r.stats.total_us += micros;
  r.stats.bytes += bytes;
  r.stats.times.record(micros);
  if (failed) {
    ++r.stats.failures;
    ++failures_[FailureKey{r.key.method, r.key.name, std::string(error)}];
  }
}

void Recorder::connected(std::uint64_t micros) {
  ++connects_.requests;
  connects_.total_us += micros;
  connects_.times.record(micros);
}

void Recorder::session_started(std::uint64_t micros) {
  ++start_lag_.requests;
  start_lag_.total_us += micros;
  start_lag_.times.record(micros);
}

void Recorder::exception(std::string_view taskset, std::string_view task,
                         std::string_view message) {
  ++exceptions_[ExceptionKey{std::string(taskset), std::string(task), std::string(message)}];
}

SampleSet Recorder::take() {
  SampleSet out;
  for (Row& r : rows_) {
    if (r.stats.requests == 0) continue;
    out.rows.emplace(r.key, std::move(r.stats));
    r.stats = RowStats{};
  }
  out.failures = std::move(failures_);
  out.exceptions = std::move(exceptions_);
  failures_.clear();
  out.connects = std::move(connects_);
  connects_ = RowStats{};
  out.start_lag = std::move(start_lag_);
  start_lag_ = RowStats{};
  exceptions_.clear();
  out.cut = std::move(cut_);
  cut_.clear();
  return out;
}

}  // namespace nest::host
