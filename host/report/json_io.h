// Reading and writing Nest's JSON documents (results, capacity searches): numbers as the files
// hold them, and a reader whose every error names the file and the path of the field.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "report/result_json.h"
#include "stats/histogram.h"
#include "stats/run_result.h"
#include "stats/sample_set.h"
#include "stats/timeline.h"

namespace nest::host {
namespace json = boost::json;

// A double as the files hold it: 12 significant digits (far below any measurement's error).
// Boost 1.81's JSON parser reads back numbers of up to 15 digits exactly but may miss the
// last bit of longer ones; at 12 digits, write -> read -> write gives the same file.
double twelve_digits(double v);
// NaN ("no data") is not JSON: it becomes null.
json::value json_number(double v);

// Parses `text`; throws ResultFileError "<origin>:<line>: not valid JSON (...)".
json::value parse_json(const std::string& text, const std::string& origin);

// Walks a parsed document; every error is a ResultFileError naming the file and the path of
// the field.
class JsonReader {
 public:
  explicit JsonReader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ResultFileError(origin_ + ": " + (where.empty() ? "" : where + ": ") + what);
  }

  const json::object& object(const json::value& v, const std::string& where) const {
    if (!v.is_object()) fail(where, "expected an object");
    return v.get_object();
  }
  const json::array& array(const json::value& v, const std::string& where) const {
    if (!v.is_array()) fail(where, "expected an array");
    return v.get_array();
  }
  const json::value& field(const json::object& o, const char* key, const std::string& where) const {
    const json::value* v = o.if_contains(key);
    if (!v) fail(where, std::string("missing \"") + key + "\"");
    return *v;
  }
  std::string join(const std::string& where, const char* key) const {
    return where.empty() ? key : where + "." + key;
  }

  std::string text(const json::object& o, const char* key, const std::string& where) const {
    const json::value& v = field(o, key, where);
    if (!v.is_string()) fail(join(where, key), "expected a string");
    return std::string(v.get_string());
  }
  bool boolean(const json::object& o, const char* key, const std::string& where) const {
    const json::value& v = field(o, key, where);
    if (!v.is_bool()) fail(join(where, key), "expected true or false");
    return v.get_bool();
  }
  double real(const json::value& v, const std::string& where) const {
    if (v.is_null()) return std::nan("");
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    fail(where, "expected a number");
  }
  double real(const json::object& o, const char* key, const std::string& where) const {
    return real(field(o, key, where), join(where, key));
  }
  std::uint64_t count(const json::value& v, const std::string& where) const {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
    fail(where, "expected a whole number, 0 or more");
  }
  std::uint64_t count(const json::object& o, const char* key, const std::string& where) const {
    return count(field(o, key, where), join(where, key));
  }
  std::vector<double> reals(const json::object& o, const char* key, const std::string& where,
                            std::size_t size) const {
    std::string path = join(where, key);
    const json::array& a = array(field(o, key, where), path);
    if (a.size() != size) {
      fail(path, "has " + std::to_string(a.size()) + " values, expected " + std::to_string(size));
    }
    std::vector<double> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
      out.push_back(real(a[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }

  // The load plan's figures of the timeline: `size` values, or none (a version 1 file has
  // none, and a result read from one writes them empty).
  std::vector<double> plan_reals(const json::object& o, const char* key, const std::string& where,
                                 std::size_t size) const {
    const json::array& a = array(field(o, key, where), join(where, key));
    return a.empty() ? std::vector<double>() : reals(o, key, where, size);
  }

  Histogram histogram(const json::object& o, const std::string& where) const {
    const json::array& buckets = array(field(o, "buckets", where), join(where, "buckets"));
    std::vector<std::pair<int, std::uint64_t>> pairs;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      std::string path = where + ".buckets[" + std::to_string(i) + "]";
      const json::array& pair = array(buckets[i], path);
      if (pair.size() != 2) fail(path, "expected [bucket index, count]");
      std::uint64_t index = count(pair[0], path);
      if (index > static_cast<std::uint64_t>(Histogram::kBucketCount)) fail(path, "no such bucket");
      pairs.emplace_back(static_cast<int>(index), count(pair[1], path));
    }
    try {
      Histogram h = Histogram::restore(pairs, count(o, "min_us", where), count(o, "max_us", where));
      if (h.count() != count(o, "count", where)) fail(where, "count does not match the buckets");
      return h;
    } catch (const std::invalid_argument& e) {
      fail(where, e.what());
    }
  }

  RowStats row(const json::object& o, const std::string& where) const {
    RowStats s;
    s.requests = count(o, "requests", where);
    s.failures = count(o, "failures", where);
    s.total_us = count(o, "total_us", where);
    s.bytes = count(o, "bytes", where);
    std::string hw = join(where, "histogram");
    s.times = histogram(object(field(o, "histogram", where), hw), hw);
    if (s.times.count() != s.requests)
      fail(hw, "holds a different number of requests than the row");
    if (s.failures > s.requests) fail(where, "more failures than requests");
    return s;
  }

  Series series(const json::object& o, const std::string& where, std::size_t size) const {
    Series s;
    s.rps = reals(o, "rps", where, size);
    s.fail_per_s = reals(o, "fail_per_s", where, size);
    s.p50_ms = reals(o, "p50_ms", where, size);
    s.p95_ms = reals(o, "p95_ms", where, size);
    s.p99_ms = reals(o, "p99_ms", where, size);
    return s;
  }

 private:
  std::string origin_;
};

// A document's "tasksets": each taking part, with its weight, where the weight came from,
// plugin and transport.
json::array tasksets_json(const std::vector<TasksetShare>& tasksets);
std::vector<TasksetShare> read_tasksets(const JsonReader& in, const json::object& doc);

}  // namespace nest::host
