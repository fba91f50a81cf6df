#include "engine/crash_guard.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

#include "util/sanitizers.h"

namespace nest::host {

thread_local const RunningCode* t_running = nullptr;

namespace {

constexpr bool kGuard = !kUnderSanitizer;  // the sanitizer's own crash report is worth more

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr unsigned kWriteResultsWithin = 30;  // s, after which the process dies as it would have

thread_local bool t_worker = false;

// Filled by the first crash, in the handler (fixed buffers: no allocation there).
std::atomic<bool> g_crashed{false};
std::atomic<bool> g_report_ready{false};
char g_what[400], g_taskset[160], g_task[160];
const char* g_signal = "";

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV (invalid memory access)";
    case SIGBUS:
      return "SIGBUS (bus error)";
    case SIGFPE:
      return "SIGFPE (arithmetic error, e.g. an integer divided by zero)";
    case SIGILL:
      return "SIGILL (illegal instruction)";
    case SIGABRT:
      return "SIGABRT (abort(), a failed assert, or std::terminate)";
  }
  return "a fatal signal";
}

// Appends to a fixed buffer: async-signal-safe.
struct Line {
  char* out;
  std::size_t size, used = 0;
  void add(std::string_view text) {
    std::size_t n = std::min(text.size(), size - 1 - used);
    std::memcpy(out + used, text.data(), n);
    used += n;
    out[used] = '\0';
  }
};

std::atomic<void (*)() noexcept> g_last_words{nullptr};

void on_crash(int sig, siginfo_t*, void*) {
  if (!t_worker) {  // host code on the main or run thread: die as we would have
    if (auto last_words = g_last_words.load()) last_words();
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  char what[400];
  Line line{what, sizeof what};
  line.add(signal_name(sig));
  const RunningCode* running = t_running;
  if (running && !running->task.empty()) {
    line.add(" in taskset '");
    line.add(running->taskset);
    line.add("', task '");
    line.add(running->task);
    line.add("'");
  } else {
    line.add(" on a worker thread, outside plugin code");
  }
  char message[640];
  Line out{message, sizeof message};
  out.add("nest-host: ");
  out.add(what);
  out.add(": that worker thread is stopped; the run halts and writes what was measured\n");
  ssize_t ignored = write(STDERR_FILENO, message, out.used);
  (void)ignored;
  if (!g_crashed.exchange(true)) {
    Line{g_what, sizeof g_what}.add(what);
    if (running && !running->task.empty()) {
      Line{g_taskset, sizeof g_taskset}.add(running->taskset);
      Line{g_task, sizeof g_task}.add(running->task);
    }
    g_signal = signal_name(sig);
    g_report_ready.store(true);
    alarm(kWriteResultsWithin);  // the default SIGALRM ends the process if writing hangs
    kill(getpid(), crash_signal());
  }
  sigset_t none;
  sigemptyset(&none);
  for (;;) sigsuspend(&none);  // this thread never runs plugin code again
}

}  // namespace

int crash_signal() { return SIGUSR2; }

void set_last_words(void (*fn)() noexcept) { g_last_words.store(fn); }

void install_crash_handlers() {
  if (!kGuard) return;
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction action {};
  action.sa_sigaction = &on_crash;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int sig : kSignals) sigaction(sig, &action, nullptr);
}

void prepare_worker_thread() {
  t_worker = true;
  if (!kGuard) return;
  // Freed with the thread (and never, for a crashed one, which never ends).
  thread_local std::unique_ptr<char[]> stack(new char[SIGSTKSZ * 4]);
  stack_t alt{};
  alt.ss_sp = stack.get();
  alt.ss_size = SIGSTKSZ * 4;
  sigaltstack(&alt, nullptr);
}

std::optional<CrashReport> crash_report() {
  if (!g_report_ready.load()) return std::nullopt;
  return CrashReport{g_what, g_signal, g_taskset, g_task};
}

}  // namespace nest::host
