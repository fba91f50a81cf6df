#include "report/csv_report.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "report/table_format.h"

namespace nest::host {
namespace {

// RFC 4180 quoting, as Python's csv.writer does it: only when needed.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void add_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += field(fields[i]);
    out += i + 1 < fields.size() ? ',' : '\n';
  }
}

void write_row(std::FILE* f, const std::vector<std::string>& fields) {
  std::string line;
  add_row(line, fields);
  std::fputs(line.c_str(), f);
}

std::FILE* open_or_throw(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  return f;
}

void close_or_throw(std::FILE* f, const std::string& path) {
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

std::vector<std::string> percentile_titles() {
  std::vector<std::string> titles;
  for (double p : kReportedPercentiles) titles.push_back(percentile_title(p));
  return titles;
}

std::string ms(double v) { return fixed(v, 3); }

void append_percentiles(std::vector<std::string>& row, const RowSummary& r, bool current) {
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    row.push_back(r.requests ? ms(current ? r.current_percentiles_ms[i] : r.percentiles_ms[i])
                             : "N/A");
  }
}

}  // namespace

std::string stats_csv(const Summary& s) {
  std::string out;
  std::vector<std::string> header = {"Type",
                                     "Name",
                                     "Request Count",
                                     "Failure Count",
                                     "Median Response Time",
                                     "Average Response Time",
                                     "Min Response Time",
                                     "Max Response Time",
                                     "Average Content Size",
                                     "Requests/s",
                                     "Failures/s"};
  for (auto& t : percentile_titles()) header.push_back(t);
  add_row(out, header);
  auto add = [&](const RowSummary& r) {
    std::vector<std::string> row = {r.method,
                                    r.name,
                                    std::to_string(r.requests),
                                    std::to_string(r.failures),
                                    ms(r.median_ms),
                                    ms(r.avg_ms),
                                    ms(r.min_ms),
                                    ms(r.max_ms),
                                    fixed(r.avg_bytes, 2),
                                    fixed(r.rps, 6),
                                    fixed(r.fail_per_s, 6)};
    append_percentiles(row, r, false);
    add_row(out, row);
  };
  for (const auto& r : s.rows) add(r);
  add(s.total);
  return out;
}

std::string failures_csv(const Summary& s) {
  std::string out;
  add_row(out, {"Method", "Name", "Error", "Occurrences"});
  for (const auto& e : s.failures) {
    add_row(out, {e.method, e.name, e.error, std::to_string(e.occurrences)});
  }
  return out;
}

std::string exceptions_csv(const Summary& s) {
  std::string out;
  add_row(out, {"Count", "Message", "Traceback", "Nodes"});
  for (const auto& e : s.exceptions) {
    // Locust's Traceback column holds where it happened; here: taskset and task.
    add_row(out, {std::to_string(e.occurrences), e.message, e.taskset + "." + e.task, "local"});
  }
  return out;
}

CsvReport::CsvReport(std::string prefix, bool full_history)
    : prefix_(std::move(prefix)), full_history_(full_history) {
  history_ = open_or_throw(prefix_ + "_stats_history.csv");
  std::vector<std::string> header = {"Timestamp", "User Count", "Type",
                                     "Name",      "Requests/s", "Failures/s"};
  for (auto& t : percentile_titles()) header.push_back(t);
  for (const char* c : {"Total Request Count", "Total Failure Count", "Total Median Response Time",
                        "Total Average Response Time", "Total Min Response Time",
                        "Total Max Response Time", "Total Average Content Size"}) {
    header.push_back(c);
  }
  // Nest's own, after Locust's columns: the plan's aim (users, or arrivals per second in the
  // open model) and the part of the plan running (a stage), if any.
  header.push_back("Target");
  header.push_back("Stage");
  write_row(history_, header);
  std::fflush(history_);
}

CsvReport::~CsvReport() {
  if (history_) std::fclose(history_);
}

void CsvReport::add_history(const Summary& s, long long timestamp, double target,
                            const std::string& stage) {
  auto add = [&](const RowSummary& r) {
    std::vector<std::string> row = {
        std::to_string(timestamp), std::to_string(s.users),       r.method, r.name,
        fixed(r.current_rps, 6),   fixed(r.current_fail_per_s, 6)};
    append_percentiles(row, r, full_history_);
    row.push_back(std::to_string(r.requests));
    row.push_back(std::to_string(r.failures));
    row.push_back(ms(r.median_ms));
    row.push_back(ms(r.avg_ms));
    row.push_back(ms(r.min_ms));
    row.push_back(ms(r.max_ms));
    row.push_back(fixed(r.avg_bytes, 2));
    row.push_back(
        fixed(target, target == static_cast<double>(static_cast<long long>(target)) ? 0 : 2));
    row.push_back(stage);
    write_row(history_, row);
  };
  if (full_history_) {
    for (const auto& r : s.rows) add(r);
  }
  add(s.total);
  std::fflush(history_);
}

std::vector<std::string> CsvReport::files(const std::string& prefix) {
  return {prefix + "_stats_history.csv", prefix + "_stats.csv", prefix + "_failures.csv",
          prefix + "_exceptions.csv"};
}

void CsvReport::write_final(const Summary& s) {
  std::string failed;  // each file that could not be written, with why
  auto write_file = [&](const std::string& path, const std::string& text) {
    try {
      std::FILE* f = open_or_throw(path);
      std::fwrite(text.data(), 1, text.size(), f);
      close_or_throw(f, path);
    } catch (const std::exception& e) {
      failed += (failed.empty() ? "" : "; ") + std::string(e.what());
    }
  };
  write_file(prefix_ + "_stats.csv", stats_csv(s));
  write_file(prefix_ + "_failures.csv", failures_csv(s));
  write_file(prefix_ + "_exceptions.csv", exceptions_csv(s));
  if (!failed.empty()) throw std::runtime_error(failed);
}

}  // namespace nest::host
