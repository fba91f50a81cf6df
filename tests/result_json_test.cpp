// The JSON result: a real run written, read back and found equal; broken files rejected with
// the file and the field named.
#include "report/result_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

#include "demo_target.h"
#include "engine_run.h"
#include "process.h"
#include "stats/aggregator.h"
#include "util/text.h"

namespace nest::test {
namespace {

using host::RunResult;

// A result from a real 3 s run of the example tasksets (several rows).
RunResult real_result() {
  DemoTarget target;
  auto settings = quick_settings(target.url(), 8, 20, std::chrono::seconds(3));
  EngineRun run = run_folder(NEST_EXAMPLE_PLUGINS, settings);
  RunResult r;
  r.info.nest_version = "0.1.0";
  r.info.host = target.url();
  r.info.users = 8;
  r.info.spawn_rate = 20;
  r.info.run_time_s = 3;
  r.info.threads = 2;
  r.info.started_at = "2026-11-23T10:00:00Z";
  r.info.elapsed_s = run.outcome.elapsed.count();
  r.info.seed = 42;
  r.tasksets = {{"WindowShopper", 3, "plugin default", "tasksets/shop.so", "curl"},
                {"ImpatientBuyer", 1, "nest.ini:4", "tasksets/shop.so", "fast"}};
  r.totals = run.totals;
  r.totals.cut[{"GET", "/slow"}] = 3;  // requests still on the wire when the drain ended
  r.total = host::merge_rows(run.totals);
  for (const auto& i : run.intervals) {
    host::SampleSet fake;  // the per-second series as the live report builds it
    fake.users = i.users;
    host::RowStats s;
    s.requests = i.requests;
    for (std::uint64_t k = 0; k < i.requests; ++k) s.times.record(100 + k);
    fake.rows[{"GET", "/items"}] = s;
    r.timeline.add(fake, i.elapsed_s, 5);
  }
  r.thresholds.push_back(
      {"p95<300ms", "--threshold", host::ThresholdVerdict::Outcome::kPass, 12.5, "12.5 ms"});
  r.thresholds.push_back({"GET /x:p99<1s", "nest.ini:9", host::ThresholdVerdict::Outcome::kNoData,
                          std::nan(""), "no request named 'GET /x' was made"});
  return r;
}

TEST(ResultJson, RoundTripIsExact) {
  RunResult original = real_result();
  ASSERT_GT(original.total.requests, 10u);
  ASSERT_GT(original.totals.rows.size(), 3u);
  ASSERT_GT(original.timeline.t.size(), 1u);
  std::string path = temp_dir() + "/result.json";
  host::write_result_file(path, original);
  RunResult back = host::read_result_file(path);

  EXPECT_EQ(back.totals.rows, original.totals.rows) << "every row, histograms included";
  EXPECT_EQ(back.total, original.total);
  EXPECT_EQ(back.totals.failures, original.totals.failures);
  EXPECT_GT(original.totals.connects.requests, 0u);
  EXPECT_EQ(back.totals.connects, original.totals.connects);
  EXPECT_EQ(back.totals.exceptions, original.totals.exceptions);
  EXPECT_EQ(back.totals.cut, original.totals.cut);
  EXPECT_EQ(back.info.host, original.info.host);
  EXPECT_EQ(back.info.run_time_s, original.info.run_time_s);
  // Non-integer figures are kept to 12 significant digits.
  EXPECT_NEAR(back.info.elapsed_s, original.info.elapsed_s, 1e-10);
  EXPECT_EQ(back.tasksets.size(), 2u);
  EXPECT_EQ(back.tasksets[1].source, "nest.ini:4");
  EXPECT_EQ(back.timeline.users, original.timeline.users);
  ASSERT_EQ(back.timeline.t.size(), original.timeline.t.size());
  for (std::size_t i = 0; i < back.timeline.t.size(); ++i) {
    EXPECT_NEAR(back.timeline.t[i], original.timeline.t[i], 1e-10);
    EXPECT_NEAR(back.timeline.total.rps[i], original.timeline.total.rps[i], 1e-9);
  }
  ASSERT_EQ(back.thresholds.size(), 2u);
  EXPECT_EQ(back.thresholds[1].outcome, host::ThresholdVerdict::Outcome::kNoData);
  EXPECT_TRUE(std::isnan(back.thresholds[1].measured)) << "no data stays no data (null)";
  // Whatever is derived from it is the same too: the tables, and the file written again.
  auto a = host::summarize_totals(original.totals, original.total, original.info.elapsed_s);
  auto b = host::summarize_totals(back.totals, back.total, back.info.elapsed_s);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].percentiles_ms, b.rows[i].percentiles_ms) << a.rows[i].name;
  }
  // Written again, it is the same file: what a report renders from a saved result is what
  // it rendered at the end of the run.
  EXPECT_EQ(host::result_to_json(back), host::result_to_json(original));
  EXPECT_EQ(host::result_to_json(host::result_from_json(host::result_to_json(back), "again")),
            host::result_to_json(back));
}

TEST(ResultJson, TimelinePercentilesWithoutRequestsAreNull) {
  RunResult r;
  host::SampleSet quiet;
  quiet.users = 3;
  r.timeline.add(quiet, 1.0, 3);
  std::string text = host::result_to_json(r);
  EXPECT_NE(text.find("\"p95_ms\":[null]"), std::string::npos) << text;
  RunResult back = host::result_from_json(text, "quiet.json");
  EXPECT_TRUE(std::isnan(back.timeline.total.p95_ms.at(0)));
  EXPECT_EQ(back.timeline.users.at(0), 3u);
}

// A valid result's text with one substring replaced.
std::string tampered(const std::string& from, const std::string& to) {
  RunResult r;
  host::RowStats s;
  s.requests = 2;
  s.times.record(1000);
  s.times.record(2000);
  s.total_us = 3000;
  r.totals.rows[{"GET", "/a"}] = s;
  r.total = s;
  std::string text = host::result_to_json(r);
  auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in " + text);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    host::result_from_json(text, "run.json");
  } catch (const host::ResultFileError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ResultJson, BrokenFilesNameTheFieldThatIsWrong) {
  EXPECT_EQ(error_of("{\n\"schema\": \"nest-result\",\n oops}"),
            "run.json:3: not valid JSON (syntax error)");
  EXPECT_EQ(error_of("[1]"), "run.json: expected an object");
  EXPECT_EQ(error_of(tampered("\"schema\":\"nest-result\"", "\"schema\":\"k6\"")),
            "run.json: schema: not a Nest result");
  EXPECT_EQ(error_of(tampered("\"schema_version\":3", "\"schema_version\":99")),
            "run.json: schema_version: is 99; this nest-host reads 1 to 3");
  EXPECT_EQ(error_of(tampered("\"dropped\":0,", "")), "run.json: sessions: missing \"dropped\"");
  EXPECT_EQ(error_of(tampered("\"requests\":2", "\"requests\":\"2\"")),
            "run.json: rows[0].requests: expected a whole number, 0 or more");
  EXPECT_EQ(error_of(tampered("\"requests\":2", "\"requests\":3")),
            "run.json: rows[0].histogram: holds a different number of requests than the row");
  EXPECT_EQ(error_of(tampered("\"min_us\":1000", "\"min_us\":5")),
            "run.json: rows[0].histogram: min 5 and max 2000 do not match the buckets");
  EXPECT_EQ(error_of(tampered("\"method\":\"GET\",", "")), "run.json: rows[0]: missing \"method\"");
  EXPECT_EQ(error_of(tampered("\"users\":[]", "\"users\":[1]")),
            "run.json: timeline.users: has a different length than timeline.t");
}

TEST(ResultJson, AVersion1FileIsStillRead) {
  // What nest-host wrote before load plans: no model, plan, sessions, nor the timeline's plan
  // figures.
  RunResult r;
  host::SampleSet second;
  second.users = 2;
  second.rows[{"GET", "/a"}].requests = 1;
  second.rows[{"GET", "/a"}].times.record(1500);
  r.totals = second;
  r.total = host::merge_rows(second);
  r.timeline.add(second, 1.0, 2);
  auto doc = boost::json::parse(host::result_to_json(r)).as_object();
  doc["schema_version"] = 1;
  doc["run"].as_object().erase("model");
  doc["run"].as_object().erase("plan");
  doc.erase("sessions");
  auto& timeline = doc["timeline"].as_object();
  for (const char* key :
       {"target", "started_per_s", "dropped_per_s", "start_lag_p99_ms", "marks"}) {
    timeline.erase(key);
  }
  RunResult back = host::result_from_json(boost::json::serialize(doc), "old.json");
  EXPECT_EQ(back.info.model, "closed");
  EXPECT_EQ(back.totals.rows, r.totals.rows);
  EXPECT_EQ(back.timeline.t, r.timeline.t);
  EXPECT_TRUE(back.timeline.target.empty());
  // Written again (version 3, the plan's figures empty), it reads again: found by
  // tests/fuzz/fuzz_result_json ("timeline.target: has 0 values, expected 1").
  std::string again = host::result_to_json(back);
  RunResult back_again = host::result_from_json(again, "again.json");
  EXPECT_EQ(back_again.timeline.t, r.timeline.t);
  EXPECT_TRUE(back_again.timeline.target.empty());
  EXPECT_EQ(host::result_to_json(back_again), again);
}

// Found by tests/fuzz/fuzz_result_json: past 1e22 numbers were written with every digit, and
// Boost's parser may read such a number back one bit off, so the file changed on each save.
TEST(ResultJson, NumbersOfAnySizeWriteReadAndWriteTheSame) {
  RunResult r;
  r.info.spawn_rate = 2.0000000000000003e60;
  r.info.elapsed_s = 1.2345678901234567e-30;
  r.thresholds.push_back({"rps>1", "--threshold", host::ThresholdVerdict::Outcome::kPass,
                          -7.000000000000001e200, "x"});
  std::string text = host::result_to_json(r);
  EXPECT_EQ(host::result_to_json(host::result_from_json(text, "r.json")), text);
}

TEST(ResultJson, InvalidUtf8FromTheSystemIsStillReadBack) {
  RunResult r;
  host::RowStats s;
  s.requests = 1;
  s.failures = 1;
  s.times.record(1000);
  s.total_us = 1000;
  const std::string name = "/caf\xe9";  // Latin-1, not UTF-8
  r.totals.rows[{"GET", name}] = s;
  r.totals.failures[{"GET", name, "HTTP 500 \xff\xfe"}] = 1;
  r.total = host::merge_rows(r.totals);
  std::string text = host::result_to_json(r);
  RunResult back = host::result_from_json(text, "utf8.json");  // threw "not valid JSON" before
  ASSERT_EQ(back.totals.rows.size(), 1u);
  EXPECT_EQ(back.totals.rows.begin()->first.name, "/caf\xEF\xBF\xBD");
  EXPECT_EQ(host::result_to_json(back), text) << "and it stays the same file";
}

TEST(Text, ValidUtf8KeepsWhatIsValidAndReplacesTheRest) {
  EXPECT_EQ(host::valid_utf8("plain"), "plain");
  EXPECT_EQ(host::valid_utf8("gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string bad = "\xEF\xBF\xBD";
  EXPECT_EQ(host::valid_utf8("a\x80"
                             "b"),
            "a" + bad + "b");                                    // a stray continuation byte
  EXPECT_EQ(host::valid_utf8("\xC3"), bad);                      // truncated
  EXPECT_EQ(host::valid_utf8("\xC0\xAF"), bad + bad);            // overlong '/'
  EXPECT_EQ(host::valid_utf8("\xED\xA0\x80"), bad + bad + bad);  // a surrogate
  EXPECT_EQ(host::valid_utf8("\xF4\x90\x80\x80"), bad + bad + bad + bad);  // past U+10FFFF
}

TEST(Text, PrintableShowsControlCharactersEscaped) {
  EXPECT_EQ(host::printable("/items"), "/items");
  EXPECT_EQ(host::printable("/a\x1b[2Jb\x07\x7f"), "/a\\x1b[2Jb\\x07\\x7f");
  EXPECT_EQ(host::printable("caf\xC3\xA9"), "caf\xC3\xA9") << "UTF-8 stays as it is";
}

TEST(ResultJson, MissingFileIsNamed) {
  try {
    host::read_result_file("/nonexistent/r.json");
    FAIL() << "read a file that does not exist";
  } catch (const host::ResultFileError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/r.json: cannot be read");
  }
}

}  // namespace
}  // namespace nest::test
