// A crash in plugin code (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT on a worker thread) costs
// that worker thread and at most its last second of results, not the run: the thread stops
// where it is, the message names the taskset and task it was running, and the run halts and
// writes every result the other threads (and this one, up to its last interval) measured.
//
// Why in-process, by default: such a crash is nearly always the task's own bad pointer,
// abort() or assert on its own worker thread; that thread is parked for good and the rest of
// the process is intact, so this costs every run nothing (no second process, no copying of
// results). If a crash hits host code, a thread that is not a worker, or the results cannot be
// written within 30 s (memory the plugin corrupted), the process dies as it would have. Full
// isolation comes with --processes (each a process of its own, the parent keeping what each
// reported).
//
// Under ASan or TSan the sanitizer's own report is worth more: nothing is installed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nest::host {

// What a worker thread is running now, as the crash message names it: a user points t_running
// at its own names whenever its coroutine runs, and the task is empty outside plugin code
// (engine/user.cpp).
struct RunningCode {
  std::string_view taskset;
  std::string_view task;
};
extern thread_local const RunningCode* t_running;

// Installs the handlers, once per process. After a worker's crash the process gets
// crash_signal() (SIGUSR2), for the run to hear of it, and crash_report() tells what happened.
void install_crash_handlers();
int crash_signal();

// Gives the calling thread (a worker) its own signal stack, so that a stack overflow in a
// task can still be reported, and marks it as a worker: a crash on it is survived.
void prepare_worker_thread();

// `fn` runs (in the signal handler: async-signal-safe code only) just before the process dies
// of a crash it does not survive: the run's dependencies are killed there.
void set_last_words(void (*fn)() noexcept);

// The first crash of this process, once one has happened.
struct CrashReport {
  std::string what;     // "SIGSEGV (invalid memory access) in taskset 'Shop', task 'browse'"
  std::string signal;   // "SIGSEGV (invalid memory access)"
  std::string taskset;  // empty when the crash was outside plugin code
  std::string task;
};
std::optional<CrashReport> crash_report();

}  // namespace nest::host
