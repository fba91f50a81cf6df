#include "deps/stop_signals.h"

namespace nest::host {
namespace {

volatile sig_atomic_t g_stop_received = 0;
int g_watch_depth = 0;  // StopSignals alive, nested

extern "C" void on_stop_signal(int) { g_stop_received = 1; }

}  // namespace

StopSignals::StopSignals() {
  if (g_watch_depth++ == 0) g_stop_received = 0;
  struct sigaction action {};
  action.sa_handler = &on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigset_t set;
  sigemptyset(&set);
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    sigaction(kSignals[i], &action, &previous_[i]);
    sigaddset(&set, kSignals[i]);
  }
  pthread_sigmask(SIG_UNBLOCK, &set, &previous_mask_);
}

StopSignals::~StopSignals() {
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    sigaction(kSignals[i], &previous_[i], nullptr);
  }
  --g_watch_depth;
}

bool StopSignals::received() { return g_stop_received != 0; }

void StopSignals::forget_received() { g_stop_received = 0; }

void StopSignals::keep_blocked() {
  for (int s : kSignals) sigaddset(&previous_mask_, s);
}

}  // namespace nest::host
