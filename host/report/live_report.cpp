#include "report/live_report.h"

#include <cstdio>
#include <ctime>

#include "report/console.h"

namespace nest::host {

void LiveReport::on_interval(SampleSet&& interval, std::chrono::duration<double> elapsed,
                             bool spawning, bool final) {
  std::uint64_t users = interval.users;
  aggregator_.add(std::move(interval), elapsed.count());
  ++intervals_;
  bool print_table = !only_summary_ && !final && intervals_ % 2 == 0;
  Summary summary;
  if (csv_ || print_table) summary = aggregator_.summarize();  // not for nothing each second
  if (csv_) csv_->add_history(summary, static_cast<long long>(std::time(nullptr)));
  if (!spawning && !spawn_reported_ && !final) {
    spawn_reported_ = true;
    std::fprintf(stdout, "All users spawned: %llu running (%.1f s)\n",
                 static_cast<unsigned long long>(users), elapsed.count());
  }
  if (print_table) {
    std::fprintf(stdout, "%.0f s, %llu users%s\n", elapsed.count(),
                 static_cast<unsigned long long>(users), spawning ? " (spawning)" : "");
    print_request_table(stdout, summary, true);
  }
  std::fflush(stdout);
}

void LiveReport::on_notice(const std::string& message) {
  std::fprintf(stderr, "nest-host: %s\n", message.c_str());
}

Summary LiveReport::finish() {
  Summary summary = aggregator_.summarize();
  std::fprintf(stdout, "\nFinal results after %.1f s\n", summary.elapsed_s);
  print_request_table(stdout, summary, false);
  print_percentile_table(stdout, summary);
  print_failures(stdout, summary);
  print_exceptions(stdout, summary);
  std::fflush(stdout);
  if (csv_) csv_->write_final(summary);
  return summary;
}

}  // namespace nest::host
