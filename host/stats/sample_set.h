// Plain statistics types shared by the recorder (per worker), the aggregator and the renderers.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "stats/histogram.h"

namespace nest::host {

// Counters of one stats row (method + name), over some span of time.
struct RowStats {
  std::uint64_t requests = 0;  // completed requests, failures included
  std::uint64_t failures = 0;  // subset of requests
  std::uint64_t total_us = 0;  // sum of response times, µs (for the average)
  std::uint64_t bytes = 0;     // sum of response body sizes
  Histogram times;             // response times, µs, failures included (as Locust)

  void merge(const RowStats& other) {
    requests += other.requests;
    failures += other.failures;
    total_us += other.total_us;
    bytes += other.bytes;
    times.merge(other.times);
  }
  bool operator==(const RowStats&) const = default;
};

struct RowKey {
  std::string method;  // "GET"; empty for the Aggregated row
  std::string name;
  auto operator<=>(const RowKey&) const = default;
};

struct FailureKey {
  std::string method, name, error;
  auto operator<=>(const FailureKey&) const = default;
};

struct ExceptionKey {
  std::string taskset, task, message;
  auto operator<=>(const ExceptionKey&) const = default;
};

// What one worker (or all of them, merged) saw in one interval.
struct SampleSet {
  std::map<RowKey, RowStats> rows;
  std::map<FailureKey, std::uint64_t> failures;      // occurrences
  std::map<ExceptionKey, std::uint64_t> exceptions;  // occurrences
  // New connections and their set-up times (TCP connect, and TLS handshake where there is one),
  // as k6's http_req_connecting: kept apart from response times. `requests` counts them.
  RowStats connects;
  // Open model: the sessions that started, each with how late it started after its scheduled
  // moment (the generator's lateness, not the system's), as requests and times in µs.
  RowStats start_lag;
  std::uint64_t dropped = 0;  // open model: arrivals not started (--max-users sessions ran)
  // Requests sent and never answered, because the run (or the user) ended first: the drain
  // ran out, or a halt. Not in `rows`: recorded + cut = sent.
  std::map<RowKey, std::uint64_t> cut;
  // Open model: tasksets with a session that has run for over 30 s (no interrupt()?).
  std::set<std::string> lingering;
  std::uint64_t users = 0;       // users (sessions) alive at the end of the interval, summed
  // Users (sessions) in each taskset at the end of the interval, summed; users between two
  // visits are in none.
  std::map<std::string, std::uint64_t> visiting;
  std::uint64_t max_lag_us = 0;  // worst event-loop lag seen (max over workers)

  void merge(SampleSet&& other);
  std::uint64_t cut_total() const {
    std::uint64_t n = 0;
    for (const auto& [key, count] : cut) n += count;
    return n;
  }
};

inline void SampleSet::merge(SampleSet&& other) {
  for (auto& [key, stats] : other.rows) {
    auto [it, inserted] = rows.try_emplace(key);
    if (inserted)
      it->second = std::move(stats);
    else
      it->second.merge(stats);
  }
  for (auto& [key, n] : other.failures) failures[key] += n;
  for (auto& [key, n] : other.exceptions) exceptions[key] += n;
  connects.merge(other.connects);
  start_lag.merge(other.start_lag);
  dropped += other.dropped;
  for (auto& [key, n] : other.cut) cut[key] += n;
  lingering.merge(other.lingering);
  users += other.users;
  for (auto& [name, n] : other.visiting) visiting[name] += n;
  max_lag_us = std::max(max_lag_us, other.max_lag_us);
}

}  // namespace nest::host
