#include "report/live_report.h"

#include <cstdio>
#include <ctime>

#include "report/console.h"

namespace nest::host {

bool LiveReport::on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed,
                             bool spawning, bool final) {
  std::uint64_t users = interval.users;
  timeline_.add(interval, elapsed.count());
  aggregator_.add(std::move(interval), elapsed.count());
  ++intervals_;
  Summary summary = aggregator_.summarize();
  if (csv_) csv_->add_history(summary, static_cast<long long>(std::time(nullptr)));
  if (final) return false;
  if (!spawning && !spawn_reported_) {
    spawn_reported_ = true;
    progress_.clear();
    std::fprintf(stdout, "All users spawned: %llu running (%.1f s)\n",
                 static_cast<unsigned long long>(users), elapsed.count());
  }
  if (!only_summary_ && intervals_ % 2 == 0) {
    progress_.clear();
    std::fprintf(stdout, "%.0f s, %llu users%s\n", elapsed.count(),
                 static_cast<unsigned long long>(users), spawning ? " (spawning)" : "");
    print_request_table(stdout, summary, true);
  }
  progress_.update({elapsed.count(), users, spawning, summary.total.current_rps,
                    summary.total.requests, summary.total.failures});

  // --abort-on-fail: judged on the recent window, once every user runs.
  if (spawning) {
    watch_.reset();
    return false;
  }
  Aggregator::Recent recent = aggregator_.recent();
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
}

Summary LiveReport::finish() {
  progress_.clear();
  Summary summary = aggregator_.summarize();
  std::fprintf(stdout, "\nFinal results after %.1f s\n", summary.elapsed_s);
  print_request_table(stdout, summary, false);
  print_percentile_table(stdout, summary);
  print_connections(stdout, summary);
  print_failures(stdout, summary);
  print_exceptions(stdout, summary);
  std::fflush(stdout);
  if (csv_) csv_->write_final(summary);
  return summary;
}

void LiveReport::fill(RunResult& result) {
  result.totals = aggregator_.totals();
  result.total = aggregator_.total();
  result.info.elapsed_s = aggregator_.elapsed_s();
  result.info.aborted_by = aborted_by_;
  result.timeline = std::move(timeline_);
}

}  // namespace nest::host
