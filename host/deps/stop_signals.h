// SIGINT, SIGTERM and SIGHUP taken by a flag while dependencies start or stop, so a Ctrl-C
// there stops what was started instead of killing nest-host with it still up.
//
// One thread (the main one) uses it; instances nest (stop() inside a failing start()).
#pragma once

#include <signal.h>

#include <iterator>

namespace nest::host {

class StopSignals {
 public:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

  // While it lives, the stop signals set a flag instead of doing what they did before, and
  // they are unblocked in this thread; the previous handlers and mask come back when it goes.
  // The outermost one clears the flag when it begins.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Whether one came since the outermost StopSignals began (or since forget_received()).
  static bool received();
  static void forget_received();
  // The stop signals stay blocked in this thread once the handlers are restored: one that
  // comes after waits, pending, for whoever unblocks them (the Run), instead of killing
  // nest-host with the dependencies still up.
  void keep_blocked();

 private:
  struct sigaction previous_[std::size(kSignals)]{};
  sigset_t previous_mask_{};
};

}  // namespace nest::host
