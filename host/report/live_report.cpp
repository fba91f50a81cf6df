#include "report/live_report.h"

#include <cstdio>
#include <ctime>

#include "report/console.h"

namespace nest::host {

bool LiveReport::on_interval(const IntervalReport& report) {
  std::uint64_t users = report.interval.users;
  auto elapsed = report.elapsed;
  bool spawning = report.spawning;
  const Aggregator& aggregator = report.results.aggregator();
  ++intervals_;
  Summary summary = aggregator.summarize();
  const auto& marks = report.results.timeline().marks;
  if (csv_) {
    csv_->add_history(summary, static_cast<long long>(std::time(nullptr)), report.target,
                      marks.empty() ? std::string() : marks.back().label);
  }
  for (; marks_shown_ < marks.size(); ++marks_shown_) {
    progress_.clear();
    std::fprintf(stdout, "%.0f s: %s\n", marks[marks_shown_].t, marks[marks_shown_].label.c_str());
  }
  if (report.final) return false;
  if (report.model == LoadModel::kClosed && !spawning && !spawn_reported_) {
    spawn_reported_ = true;
    progress_.clear();
    std::fprintf(stdout, "All users spawned: %llu running (%.1f s)\n",
                 static_cast<unsigned long long>(users), elapsed.count());
  }
  if (!only_summary_ && intervals_ % 2 == 0) {
    progress_.clear();
    if (report.model == LoadModel::kOpen) {
      std::fprintf(stdout, "%.0f s, %llu sessions running, arriving %.2f/s\n", elapsed.count(),
                   static_cast<unsigned long long>(users), report.target);
    } else {
      std::fprintf(stdout, "%.0f s, %llu users%s%s\n", elapsed.count(),
                   static_cast<unsigned long long>(users),
                   static_cast<double>(users) != report.target
                       ? (" of " + std::to_string(static_cast<long long>(report.target))).c_str()
                       : "",
                   spawning ? " (spawning)" : "");
    }
    print_request_table(stdout, summary, true);
  }
  progress_.update({elapsed.count(), users, spawning, static_cast<std::uint64_t>(report.target),
                    report.model == LoadModel::kOpen, summary.total.current_rps,
                    summary.total.requests, summary.total.failures});

  // --abort-on-fail: judged on the recent window, once every user runs.
  if (spawning) {
    watch_.reset();
    return false;
  }
  Aggregator::Recent recent = aggregator.recent();
  auto broken = watch_.check({recent.rows, recent.total, recent.seconds}, elapsed);
  if (!broken || !aborted_by_.empty()) return false;
  aborted_by_ = broken->text;
  on_notice("threshold '" + broken->text + "' is broken (" + broken->measured_text +
            " over the last " + std::to_string(static_cast<int>(recent.seconds)) +
            " s): stopping the run (--abort-on-fail)");
  return true;
}

void LiveReport::on_notice(const std::string& message) {
  progress_.clear();
  std::fprintf(stderr, "nest-host: %s\n", message.c_str());
  if (listener_) listener_(message);
}

Summary LiveReport::finish(const LiveResults& results, LoadModel model) {
  progress_.clear();
  Summary summary = results.aggregator().summarize();
  const Aggregator& totals = results.aggregator();
  std::fprintf(stdout, "\nFinal results after %.1f s\n", summary.elapsed_s);
  print_request_table(stdout, summary, false);
  print_percentile_table(stdout, summary);
  print_connections(stdout, summary);
  print_load_model(stdout, model == LoadModel::kOpen ? "open" : "closed", totals.totals(),
                   results.timeline(), summary.elapsed_s);
  print_cut(stdout, totals.totals());
  print_failures(stdout, summary);
  print_exceptions(stdout, summary);
  std::fflush(stdout);
  if (csv_) csv_->write_final(summary);
  return summary;
}

}  // namespace nest::host
