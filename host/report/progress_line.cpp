#include "report/progress_line.h"

#include <algorithm>
#include <cmath>

#include "report/table_format.h"

namespace nest::host {

std::string clock_text(double seconds) {
  auto total = static_cast<long long>(std::max(0.0, std::floor(seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::string ProgressLine::format(const Progress& p) const {
  std::string line = "[" + clock_text(p.elapsed_s);
  if (run_time_s_) line += " / " + clock_text(*run_time_s_);
  line += p.spawning
              ? "] spawning " + std::to_string(p.users) + "/" + std::to_string(p.target) + " users"
              : "] " + std::to_string(p.users) + (p.open ? " sessions" : " users");
  double failed =
      p.requests ? 100.0 * static_cast<double>(p.failures) / static_cast<double>(p.requests) : 0;
  line += " | " + fixed(p.rps, 1) + " req/s | " + fixed(failed, 2) + "% failed | ";
  line += run_time_s_ ? clock_text(std::ceil(std::max(0.0, *run_time_s_ - p.elapsed_s))) + " left"
                      : open_end_;
  return line;
}

void ProgressLine::update(const Progress& p) {
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", format(p).c_str());
    drawn_ = true;
  } else if (++ticks_ % plain_every_ == 0) {
    std::fprintf(out_, "%s\n", format(p).c_str());
  }
  std::fflush(out_);
}

void ProgressLine::clear() {
  if (!drawn_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace nest::host
