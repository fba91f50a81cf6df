// The run's progress on the console: elapsed and total time, users (and spawning progress),
// requests/s, failure %, time left.
//
// On a terminal it is one line, redrawn in place each second; anything else printed meanwhile
// must call clear() first so the line never mixes with it. Elsewhere (a CI log, a pipe) it is
// a plain line every `plain_every` seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace nest::host {

struct Progress {
  double elapsed_s = 0;
  std::uint64_t users = 0;  // running now (open model: sessions)
  bool spawning = false;
  std::uint64_t target = 0;    // users the plan wants now, while spawning
  bool open = false;           // the open model: sessions, not users
  double rps = 0;              // over the last few seconds
  std::uint64_t requests = 0;  // since the start
  std::uint64_t failures = 0;
};

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, bool terminal, std::optional<double> run_time_s,
               int plain_every = 10)
      : out_(out), terminal_(terminal), run_time_s_(run_time_s), plain_every_(plain_every) {}

  // What the line says in place of the time left when there is no run time ("until Ctrl-C").
  void set_open_end(std::string text) { open_end_ = std::move(text); }

  // Called once a second.
  void update(const Progress& p);
  // Takes the redrawn line off the terminal (no-op elsewhere).
  void clear();

  // The text of the line, without end of line.
  std::string format(const Progress& p) const;

 private:
  std::FILE* out_;
  bool terminal_;
  std::optional<double> run_time_s_;
  int plain_every_;
  std::string open_end_ = "until Ctrl-C";
  int ticks_ = 0;
  bool drawn_ = false;
};

// "1:05" for 65 s; "1:01:05" past an hour.
std::string clock_text(double seconds);

}  // namespace nest::host
