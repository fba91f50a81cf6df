#include "report/result_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report/json_io.h"
#include "stats/aggregator.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace nest::host {

namespace {

constexpr const char* kSchemaName = "nest-result";

json::value number(double v) { return json_number(v); }

json::array numbers(const std::vector<double>& values) {
  json::array out;
  out.reserve(values.size());
  for (double v : values) out.push_back(number(v));
  return out;
}

json::object histogram_json(const Histogram& h) {
  json::array buckets;
  const auto& counts = h.counts();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i]) buckets.push_back(json::array{static_cast<std::int64_t>(i), counts[i]});
  }
  return {{"count", h.count()},
          {"min_us", h.min()},
          {"max_us", h.max()},
          {"buckets", std::move(buckets)}};
}

// Figures derived from the raw counts, for readers that do not want to merge histograms.
json::object figures_json(const RowSummary& s) {
  json::object percentiles;
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    percentiles[percentile_key(kReportedPercentiles[i])] = number(s.percentiles_ms[i]);
  }
  double ratio = s.requests ? static_cast<double>(s.failures) / static_cast<double>(s.requests) : 0;
  return {{"avg_ms", number(s.avg_ms)},
          {"min_ms", number(s.min_ms)},
          {"max_ms", number(s.max_ms)},
          {"median_ms", number(s.median_ms)},
          {"avg_bytes", number(s.avg_bytes)},
          {"rps", number(s.rps)},
          {"fail_per_s", number(s.fail_per_s)},
          {"fail_ratio", number(ratio)},
          {"percentiles_ms", std::move(percentiles)}};
}

json::object row_json(const std::string& method, const std::string& name, const RowStats& stats,
                      const RowSummary& figures) {
  return {{"method", method},
          {"name", name},
          {"requests", stats.requests},
          {"failures", stats.failures},
          {"total_us", stats.total_us},
          {"bytes", stats.bytes},
          {"figures", figures_json(figures)},
          {"histogram", histogram_json(stats.times)}};
}

// `into` holds the fields that come first (names, time).
json::object series_json(const Series& s, json::object into) {
  into["rps"] = numbers(s.rps);
  into["fail_per_s"] = numbers(s.fail_per_s);
  into["p50_ms"] = numbers(s.p50_ms);
  into["p95_ms"] = numbers(s.p95_ms);
  into["p99_ms"] = numbers(s.p99_ms);
  return into;
}

const char* outcome_name(ThresholdVerdict::Outcome o) {
  switch (o) {
    case ThresholdVerdict::Outcome::kPass:
      return "pass";
    case ThresholdVerdict::Outcome::kFail:
      return "fail";
    case ThresholdVerdict::Outcome::kNoData:
      return "no_data";
  }
  return "no_data";
}

}  // namespace

std::string percentile_key(double fraction) {
  std::ostringstream out;
  out << "p" << fraction * 100;
  return out.str();
}

std::string result_to_json(const RunResult& r) {
  // Figures from the elapsed time as the file holds it, so a result read back derives the same.
  double elapsed_s = twelve_digits(r.info.elapsed_s);
  std::optional<double> reset_at;
  if (r.info.stats_reset_at_s) reset_at = twelve_digits(*r.info.stats_reset_at_s);
  Summary summary = summarize_totals(r.totals, r.total, elapsed_s - reset_at.value_or(0));
  json::object run{
      {"host", r.info.host},
      {"model", r.info.model},
      {"plan", r.info.plan},
      {"users", r.info.users},
      {"spawn_rate", number(r.info.spawn_rate)},
      {"run_time_s", r.info.run_time_s ? number(*r.info.run_time_s) : json::value(nullptr)},
      {"threads", r.info.threads},
      {"transport", r.info.transport},
      {"started_at", r.info.started_at},
      {"elapsed_s", elapsed_s},
      {"stats_reset_at_s", reset_at ? json::value(*reset_at) : json::value(nullptr)},
      {"interrupted", r.info.interrupted},
      {"aborted_by", r.info.aborted_by},
      {"seed", r.info.seed}};
  json::array rows;
  for (const RowSummary& s : summary.rows) {
    rows.push_back(row_json(s.method, s.name, r.totals.rows.at({s.method, s.name}), s));
  }
  json::array failures, exceptions, thresholds, cut;
  for (const auto& [key, n] : r.totals.cut) {
    cut.push_back(json::object{{"method", key.method}, {"name", key.name}, {"requests", n}});
  }
  for (const auto& [key, n] : r.totals.failures) {
    failures.push_back(json::object{
        {"method", key.method}, {"name", key.name}, {"error", key.error}, {"occurrences", n}});
  }
  for (const auto& [key, n] : r.totals.exceptions) {
    exceptions.push_back(json::object{{"taskset", key.taskset},
                                      {"task", key.task},
                                      {"message", key.message},
                                      {"occurrences", n}});
  }
  for (const auto& v : r.thresholds) {
    thresholds.push_back(json::object{{"threshold", v.text},
                                      {"source", v.source},
                                      {"outcome", outcome_name(v.outcome)},
                                      {"measured", number(v.measured)},
                                      {"measured_text", v.measured_text}});
  }
  json::array workers;  // a distributed run's (nest-host --master); absent from one process's
  for (const auto& w : r.workers) {
    json::array events;
    for (const auto& e : w.events) {
      events.push_back(json::object{{"t", number(e.at_s)}, {"event", e.what}});
    }
    workers.push_back(json::object{{"name", w.name},
                                   {"requests", w.requests},
                                   {"final_report", w.final_report},
                                   {"events", std::move(events)}});
  }
  json::array row_series;
  for (const auto& [key, series] : r.timeline.rows) {
    row_series.push_back(series_json(series, {{"method", key.method}, {"name", key.name}}));
  }
  json::array users;
  for (auto u : r.timeline.users) users.push_back(u);
  json::object timeline =
      series_json(r.timeline.total, {{"t", numbers(r.timeline.t)}, {"users", std::move(users)}});
  timeline["rows"] = std::move(row_series);
  timeline["target"] = numbers(r.timeline.target);
  timeline["started_per_s"] = numbers(r.timeline.started_per_s);
  timeline["dropped_per_s"] = numbers(r.timeline.dropped_per_s);
  timeline["start_lag_p99_ms"] = numbers(r.timeline.start_lag_p99_ms);
  timeline["connects_per_s"] = numbers(r.timeline.connects_per_s);
  json::array marks;
  for (const auto& m : r.timeline.marks) {
    marks.push_back(json::object{{"t", number(m.t)}, {"label", m.label}});
  }
  timeline["marks"] = std::move(marks);
  const RowStats& lag = r.totals.start_lag;
  json::object sessions{
      {"started", lag.requests},
      {"dropped", r.totals.dropped},
      {"start_lag",
       json::object{{"count", lag.requests},
                    {"total_us", lag.total_us},
                    {"figures",
                     {{"median_ms", number(static_cast<double>(lag.times.percentile(0.5)) / 1000)},
                      {"p99_ms", number(static_cast<double>(lag.times.percentile(0.99)) / 1000)},
                      {"max_ms", number(static_cast<double>(lag.times.max()) / 1000)}}},
                    {"histogram", histogram_json(lag.times)}}}};

  json::object doc{
      {"schema", kSchemaName},
      {"schema_version", RunResult::kSchemaVersion},
      {"nest_version", r.info.nest_version},
      {"run", std::move(run)},
      {"tasksets", tasksets_json(r.tasksets)},
      {"histogram_layout",
       {{"kind", "log-linear"},
        {"unit", "us"},
        {"linear_bits", Histogram::kLinearBits},
        {"sub_buckets", Histogram::kSubBuckets},
        {"max_exponent", Histogram::kMaxExponent}}},
      {"rows", std::move(rows)},
      {"aggregated", row_json("", "Aggregated", r.total, summary.total)},
      {"connects", json::object{{"count", r.totals.connects.requests},
                                {"total_us", r.totals.connects.total_us},
                                {"figures",
                                 {{"avg_ms", number(summary.connects.avg_ms)},
                                  {"median_ms", number(summary.connects.median_ms)},
                                  {"p95_ms", number(summary.connects.p95_ms)},
                                  {"max_ms", number(summary.connects.max_ms)}}},
                                {"histogram", histogram_json(r.totals.connects.times)}}},
      {"sessions", std::move(sessions)},
      {"cut", std::move(cut)},
      {"failures", std::move(failures)},
      {"exceptions", std::move(exceptions)},
      {"thresholds", std::move(thresholds)},
      {"timeline", std::move(timeline)}};
  if (!workers.empty()) doc["workers"] = std::move(workers);
  // Names, errors and messages come from tasks and from the system under test: whatever bytes
  // they held, the file is valid UTF-8, so nest-host can always read back what it wrote.
  return valid_utf8(json::serialize(doc)) + "\n";
}

RunResult result_from_json(const std::string& text, const std::string& origin) {
  JsonReader in(origin);
  json::value parsed = parse_json(text, origin);
  const json::object& doc = in.object(parsed, "");
  if (in.text(doc, "schema", "") != kSchemaName) in.fail("schema", "not a Nest result");
  std::uint64_t version = in.count(doc, "schema_version", "");
  if (version < 1 || version > RunResult::kSchemaVersion) {
    in.fail("schema_version", "is " + std::to_string(version) + "; this nest-host reads 1 to " +
                                  std::to_string(RunResult::kSchemaVersion));
  }
  const json::object& layout = in.object(in.field(doc, "histogram_layout", ""), "histogram_layout");
  if (in.count(layout, "linear_bits", "histogram_layout") != Histogram::kLinearBits ||
      in.count(layout, "sub_buckets", "histogram_layout") != Histogram::kSubBuckets ||
      in.count(layout, "max_exponent", "histogram_layout") != Histogram::kMaxExponent) {
    in.fail("histogram_layout", "differs from this nest-host's");
  }

  RunResult r;
  r.info.nest_version = in.text(doc, "nest_version", "");
  const json::object& run = in.object(in.field(doc, "run", ""), "run");
  r.info.host = in.text(run, "host", "run");
  if (version >= 2) {
    r.info.model = in.text(run, "model", "run");
    r.info.plan = in.text(run, "plan", "run");
  }
  r.info.users = in.count(run, "users", "run");
  r.info.spawn_rate = in.real(run, "spawn_rate", "run");
  double run_time = in.real(run, "run_time_s", "run");
  if (!std::isnan(run_time)) r.info.run_time_s = run_time;
  r.info.threads = static_cast<unsigned>(in.count(run, "threads", "run"));
  r.info.transport = in.text(run, "transport", "run");
  r.info.started_at = in.text(run, "started_at", "run");
  r.info.elapsed_s = in.real(run, "elapsed_s", "run");
  if (const json::value* reset = run.if_contains("stats_reset_at_s"); reset && !reset->is_null()) {
    r.info.stats_reset_at_s = in.real(run, "stats_reset_at_s", "run");  // absent: never reset
  }
  r.info.interrupted = in.boolean(run, "interrupted", "run");
  r.info.aborted_by = in.text(run, "aborted_by", "run");
  r.info.seed = in.count(run, "seed", "run");

  r.tasksets = read_tasksets(in, doc);
  const json::array& rows = in.array(in.field(doc, "rows", ""), "rows");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string where = "rows[" + std::to_string(i) + "]";
    const json::object& o = in.object(rows[i], where);
    RowKey key{in.text(o, "method", where), in.text(o, "name", where)};
    if (!r.totals.rows.emplace(key, in.row(o, where)).second)
      in.fail(where, "a second row of that name");
  }
  r.total = in.row(in.object(in.field(doc, "aggregated", ""), "aggregated"), "aggregated");
  if (!(r.total == merge_rows(r.totals))) in.fail("aggregated", "is not the sum of the rows");

  const json::object& connects = in.object(in.field(doc, "connects", ""), "connects");
  r.totals.connects.requests = in.count(connects, "count", "connects");
  r.totals.connects.total_us = in.count(connects, "total_us", "connects");
  r.totals.connects.times =
      in.histogram(in.object(in.field(connects, "histogram", "connects"), "connects.histogram"),
                   "connects.histogram");
  if (r.totals.connects.times.count() != r.totals.connects.requests) {
    in.fail("connects.histogram", "holds a different number of connections than count");
  }
  const json::array& failures = in.array(in.field(doc, "failures", ""), "failures");
  for (std::size_t i = 0; i < failures.size(); ++i) {
    std::string where = "failures[" + std::to_string(i) + "]";
    const json::object& o = in.object(failures[i], where);
    r.totals.failures[{in.text(o, "method", where), in.text(o, "name", where),
                       in.text(o, "error", where)}] += in.count(o, "occurrences", where);
  }
  const json::array& exceptions = in.array(in.field(doc, "exceptions", ""), "exceptions");
  for (std::size_t i = 0; i < exceptions.size(); ++i) {
    std::string where = "exceptions[" + std::to_string(i) + "]";
    const json::object& o = in.object(exceptions[i], where);
    r.totals.exceptions[{in.text(o, "taskset", where), in.text(o, "task", where),
                         in.text(o, "message", where)}] += in.count(o, "occurrences", where);
  }
  if (version >= 3) {  // requests sent and never answered (version 2 did not count them)
    const json::array& cut = in.array(in.field(doc, "cut", ""), "cut");
    for (std::size_t i = 0; i < cut.size(); ++i) {
      std::string where = "cut[" + std::to_string(i) + "]";
      const json::object& o = in.object(cut[i], where);
      r.totals.cut[{in.text(o, "method", where), in.text(o, "name", where)}] +=
          in.count(o, "requests", where);
    }
  }
  const json::array& thresholds = in.array(in.field(doc, "thresholds", ""), "thresholds");
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    std::string where = "thresholds[" + std::to_string(i) + "]";
    const json::object& o = in.object(thresholds[i], where);
    ThresholdVerdict v;
    v.text = in.text(o, "threshold", where);
    v.source = in.text(o, "source", where);
    std::string outcome = in.text(o, "outcome", where);
    if (outcome == "pass")
      v.outcome = ThresholdVerdict::Outcome::kPass;
    else if (outcome == "fail")
      v.outcome = ThresholdVerdict::Outcome::kFail;
    else if (outcome == "no_data")
      v.outcome = ThresholdVerdict::Outcome::kNoData;
    else
      in.fail(where + ".outcome", "expected pass, fail or no_data, not '" + outcome + "'");
    v.measured = in.real(o, "measured", where);
    v.measured_text = in.text(o, "measured_text", where);
    r.thresholds.push_back(std::move(v));
  }

  if (const json::value* workers = doc.if_contains("workers")) {
    const json::array& list = in.array(*workers, "workers");
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string where = "workers[" + std::to_string(i) + "]";
      const json::object& o = in.object(list[i], where);
      WorkerRecord w;
      w.name = in.text(o, "name", where);
      w.requests = in.count(o, "requests", where);
      w.final_report = in.boolean(o, "final_report", where);
      const json::array& events = in.array(in.field(o, "events", where), where + ".events");
      for (std::size_t j = 0; j < events.size(); ++j) {
        std::string at = where + ".events[" + std::to_string(j) + "]";
        const json::object& e = in.object(events[j], at);
        w.events.push_back({in.real(e, "t", at), in.text(e, "event", at)});
      }
      r.workers.push_back(std::move(w));
    }
  }
  const json::object& tl = in.object(in.field(doc, "timeline", ""), "timeline");
  const json::array& t = in.array(in.field(tl, "t", "timeline"), "timeline.t");
  std::size_t n = t.size();
  r.timeline.t = in.reals(tl, "t", "timeline", n);
  const json::array& users = in.array(in.field(tl, "users", "timeline"), "timeline.users");
  if (users.size() != n) in.fail("timeline.users", "has a different length than timeline.t");
  for (std::size_t i = 0; i < n; ++i) {
    r.timeline.users.push_back(in.count(users[i], "timeline.users[" + std::to_string(i) + "]"));
  }
  r.timeline.total = in.series(tl, "timeline", n);
  const json::array& series = in.array(in.field(tl, "rows", "timeline"), "timeline.rows");
  for (std::size_t i = 0; i < series.size(); ++i) {
    std::string where = "timeline.rows[" + std::to_string(i) + "]";
    const json::object& o = in.object(series[i], where);
    r.timeline.rows[{in.text(o, "method", where), in.text(o, "name", where)}] =
        in.series(o, where, n);
  }
  if (version >= 2) {  // the load plan's figures (version 1 had none)
    r.timeline.target = in.plan_reals(tl, "target", "timeline", n);
    r.timeline.started_per_s = in.plan_reals(tl, "started_per_s", "timeline", n);
    r.timeline.dropped_per_s = in.plan_reals(tl, "dropped_per_s", "timeline", n);
    r.timeline.start_lag_p99_ms = in.plan_reals(tl, "start_lag_p99_ms", "timeline", n);
    if (tl.contains("connects_per_s")) {  // absent from results written before it was kept
      r.timeline.connects_per_s = in.plan_reals(tl, "connects_per_s", "timeline", n);
    }
    const json::array& marks = in.array(in.field(tl, "marks", "timeline"), "timeline.marks");
    for (std::size_t i = 0; i < marks.size(); ++i) {
      std::string where = "timeline.marks[" + std::to_string(i) + "]";
      const json::object& o = in.object(marks[i], where);
      r.timeline.marks.push_back({in.real(o, "t", where), in.text(o, "label", where)});
    }
    const json::object& sessions = in.object(in.field(doc, "sessions", ""), "sessions");
    r.totals.dropped = in.count(sessions, "dropped", "sessions");
    const json::object& lag =
        in.object(in.field(sessions, "start_lag", "sessions"), "sessions.start_lag");
    r.totals.start_lag.requests = in.count(lag, "count", "sessions.start_lag");
    r.totals.start_lag.total_us = in.count(lag, "total_us", "sessions.start_lag");
    r.totals.start_lag.times = in.histogram(
        in.object(in.field(lag, "histogram", "sessions.start_lag"), "sessions.start_lag.histogram"),
        "sessions.start_lag.histogram");
    if (r.totals.start_lag.times.count() != r.totals.start_lag.requests) {
      in.fail("sessions.start_lag.histogram", "holds a different number of sessions than count");
    }
  }
  r.info.elapsed_s = std::max(r.info.elapsed_s, 0.0);
  return r;
}

void write_result_file(const std::string& path, const RunResult& result) {
  write_atomically(path, result_to_json(result));
}

RunResult read_result_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultFileError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return result_from_json(text.str(), path);
}

}  // namespace nest::host
