#include "report/console.h"

#include <algorithm>
#include <string>

#include "report/table_format.h"
#include "util/text.h"

namespace nest::host {
namespace {

int name_width(const Summary& s) {
  std::size_t width = 30;
  for (const auto& row : s.rows) width = std::max(width, printable(row.name).size() + 2);
  return static_cast<int>(std::min<std::size_t>(width, 80));
}

std::string fail_column(const RowSummary& r) {
  double ratio = r.requests ? 100.0 * static_cast<double>(r.failures) / r.requests : 0;
  return std::to_string(r.failures) + "(" + fixed(ratio, 2) + "%)";
}

void request_row(std::FILE* out, const RowSummary& r, int width, bool current) {
  std::fprintf(out, "%-8s %-*s %7llu %12s | %7s %7s %7s %7s | %7.2f %11.2f\n",
               printable(r.method).c_str(), width, printable(r.name).c_str(),
               static_cast<unsigned long long>(r.requests), fail_column(r).c_str(),
               millis(r.avg_ms).c_str(), millis(r.min_ms).c_str(), millis(r.max_ms).c_str(),
               millis(r.median_ms).c_str(), current ? r.current_rps : r.rps,
               current ? r.current_fail_per_s : r.fail_per_s);
}

void separator(std::FILE* out, int width, const std::string& tail) {
  std::fprintf(out, "%s|%s|%s\n", std::string(8, '-').c_str(), std::string(width, '-').c_str(),
               tail.c_str());
}

}  // namespace

void print_request_table(std::FILE* out, const Summary& s, bool current) {
  int width = name_width(s);
  std::fprintf(out, "%-8s %-*s %7s %12s | %7s %7s %7s %7s | %7s %11s\n", "Type", width, "Name",
               "# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s");
  const std::string tail =
      "-------|-------------|-------|-------|-------|-------|--------|-----------";
  separator(out, width, tail);
  for (const auto& row : s.rows) request_row(out, row, width, current);
  separator(out, width, tail);
  request_row(out, s.total, width, current);
  std::fprintf(out, "\n");
}

void print_percentile_table(std::FILE* out, const Summary& s) {
  int width = name_width(s);
  std::fprintf(out, "Response time percentiles (ms, within 1%%)\n%-8s %-*s", "Type", width, "Name");
  for (double p : kReportedPercentiles) std::fprintf(out, " %7s", percentile_title(p).c_str());
  std::fprintf(out, " %8s\n", "# reqs");
  std::string tail;
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) tail += "--------|";
  tail += "--------";
  separator(out, width, tail);
  auto row = [&](const RowSummary& r) {
    std::fprintf(out, "%-8s %-*s", printable(r.method).c_str(), width, printable(r.name).c_str());
    for (double v : r.percentiles_ms) std::fprintf(out, " %7s", millis(v).c_str());
    std::fprintf(out, " %8llu\n", static_cast<unsigned long long>(r.requests));
  };
  for (const auto& r : s.rows) row(r);
  separator(out, width, tail);
  row(s.total);
  std::fprintf(out, "\n");
}

void print_connections(std::FILE* out, const Summary& s) {
  const ConnectSummary& c = s.connects;
  if (c.count == 0) return;
  std::fprintf(out,
               "New connections: %llu; set-up time (connect, TLS) avg %s ms, median %s ms, "
               "p95 %s ms, max %s ms, not part of the response times\n\n",
               static_cast<unsigned long long>(c.count), millis(c.avg_ms).c_str(),
               millis(c.median_ms).c_str(), millis(c.p95_ms).c_str(), millis(c.max_ms).c_str());
}

void print_load_model(std::FILE* out, const std::string& model, const SampleSet& totals,
                      const Timeline& timeline, double elapsed_s) {
  std::uint64_t most = 0;
  for (auto users : timeline.users) most = std::max(most, users);
  double wanted = 0;  // the mean of the aim over the run's seconds
  for (double target : timeline.target) wanted += target;
  if (!timeline.target.empty()) wanted /= static_cast<double>(timeline.target.size());
  if (model != "open") {
    std::fprintf(out, "Closed model: %s users wanted on average, at most %llu running\n\n",
                 fixed(wanted, 1).c_str(), static_cast<unsigned long long>(most));
    return;
  }
  const RowStats& lag = totals.start_lag;
  double started_rate = elapsed_s > 0 ? static_cast<double>(lag.requests) / elapsed_s : 0;
  auto ms = [](std::uint64_t us) { return millis(static_cast<double>(us) / 1000.0); };
  std::fprintf(out,
               "Open model: %s/s wanted, %s/s started; %llu sessions started, %llu dropped "
               "(--max-users); at most %llu running at once; start lag median %s ms, p99 %s ms, "
               "max %s ms\n\n",
               fixed(wanted, 2).c_str(), fixed(started_rate, 2).c_str(),
               static_cast<unsigned long long>(lag.requests),
               static_cast<unsigned long long>(totals.dropped),
               static_cast<unsigned long long>(most), ms(lag.times.percentile(0.5)).c_str(),
               ms(lag.times.percentile(0.99)).c_str(), ms(lag.times.max()).c_str());
}

void print_cut(std::FILE* out, const SampleSet& totals) {
  std::uint64_t cut = totals.cut_total();
  if (cut == 0) return;
  std::fprintf(out,
               "Cut: %llu request(s) sent and never answered, because the run ended first (the "
               "drain ran out, or a halt); they are in no row above (recorded + cut = sent)\n",
               static_cast<unsigned long long>(cut));
  for (const auto& [key, n] : totals.cut) {
    std::fprintf(out, "%-14llu %s %s\n", static_cast<unsigned long long>(n),
                 printable(key.method).c_str(), printable(key.name).c_str());
  }
  std::fprintf(out, "\n");
}

void print_failures(std::FILE* out, const Summary& s) {
  if (s.failures.empty()) return;
  std::fprintf(out, "Error report\n%-14s %s\n", "# occurrences", "Error");
  std::fprintf(out, "%s|%s\n", std::string(14, '-').c_str(), std::string(60, '-').c_str());
  for (const auto& f : s.failures) {
    std::fprintf(out, "%-14llu %s %s: %s\n", static_cast<unsigned long long>(f.occurrences),
                 printable(f.method).c_str(), printable(f.name).c_str(),
                 printable(f.error).c_str());
  }
  std::fprintf(out, "\n");
}

void print_exceptions(std::FILE* out, const Summary& s) {
  if (s.exceptions.empty()) return;
  std::fprintf(out, "Exceptions in tasks\n%-14s %s\n", "# occurrences", "Taskset.task: message");
  std::fprintf(out, "%s|%s\n", std::string(14, '-').c_str(), std::string(60, '-').c_str());
  for (const auto& e : s.exceptions) {
    std::fprintf(out, "%-14llu %s.%s: %s\n", static_cast<unsigned long long>(e.occurrences),
                 printable(e.taskset).c_str(), printable(e.task).c_str(),
                 printable(e.message).c_str());
  }
  std::fprintf(out, "\n");
}

const char* verdict_word(ThresholdVerdict::Outcome o) {
  switch (o) {
    case ThresholdVerdict::Outcome::kPass:
      return "pass";
    case ThresholdVerdict::Outcome::kFail:
      return "FAIL";
    case ThresholdVerdict::Outcome::kNoData:
      return "NO DATA";
  }
  return "?";
}

void print_thresholds(std::FILE* out, const std::vector<ThresholdVerdict>& verdicts) {
  if (verdicts.empty()) return;
  std::size_t width = 20;
  for (const auto& v : verdicts) width = std::max(width, v.text.size());
  std::fprintf(out, "Thresholds\n");
  for (const auto& v : verdicts) {
    std::fprintf(out, "  %-7s  %-*s  %-20s  (%s)\n", verdict_word(v.outcome),
                 static_cast<int>(width), v.text.c_str(), v.measured_text.c_str(),
                 v.source.c_str());
  }
  std::fprintf(out, "\n");
}

}  // namespace nest::host
