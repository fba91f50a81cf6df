#include "deps/dependency_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "deps/ready_check.h"
#include "util/text.h"

extern char** environ;

namespace nest::host {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollEvery{50};    // between readiness attempts, and exit checks
constexpr milliseconds kAfterKill{2000};  // for a SIGKILLed group to be gone, at most
constexpr std::size_t kTailLines = 15;    // of a failed dependency's output, in its error
constexpr std::size_t kTailBytes = 64 * 1024;
constexpr std::size_t kLongestLine = 300;  // characters of one output line shown

// --- The process groups running, for kill_all_now() -------------------------------------
// A fixed table of lock-free atomics: a signal handler may read it.
constexpr std::size_t kGroupSlots = 64;
std::atomic<pid_t> g_groups[kGroupSlots];

void remember_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pgid)) return;
  }
}

void forget_group(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// --- SIGINT, SIGTERM, SIGHUP while starting or stopping -----------------------------------
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
volatile sig_atomic_t g_stop_received = 0;
int g_watch_depth = 0;  // StopSignals alive, nested (stop() inside a failing start())

extern "C" void on_stop_signal(int) { g_stop_received = 1; }

// While it lives, the stop signals set a flag instead of doing what they did before, and they
// are unblocked in this thread; the previous handlers and mask come back when it goes.
class StopSignals {
 public:
  StopSignals() {
    if (g_watch_depth++ == 0) g_stop_received = 0;
    struct sigaction action {};
    action.sa_handler = &on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigset_t set;
    sigemptyset(&set);
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
      sigaction(kStopSignals[i], &action, &previous_[i]);
      sigaddset(&set, kStopSignals[i]);
    }
    pthread_sigmask(SIG_UNBLOCK, &set, &previous_mask_);
  }
  ~StopSignals() {
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
      sigaction(kStopSignals[i], &previous_[i], nullptr);
    }
    --g_watch_depth;
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  static bool received() { return g_stop_received != 0; }
  static void forget_received() { g_stop_received = 0; }
  // The stop signals stay blocked in this thread once the handlers are restored: one that
  // comes after waits, pending, for whoever unblocks them (the Run), instead of killing
  // nest-host with the dependencies still up.
  void keep_blocked() {
    for (int s : kStopSignals) sigaddset(&previous_mask_, s);
  }

 private:
  struct sigaction previous_[std::size(kStopSignals)]{};
  sigset_t previous_mask_{};
};

// --- Processes ---------------------------------------------------------------------------

// Whether any process of group `pgid` is alive. Zombies are not: orphans wait for a reaper
// that nest-host does not control (in a container, PID 1 may never reap them).
bool group_alive(pid_t pgid) {
  if (kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  DIR* proc = opendir("/proc");
  if (!proc) return true;
  bool alive = false;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // gone meanwhile
    auto paren = line.rfind(')');             // the command name may hold spaces and ')'
    if (paren == std::string::npos) continue;
    std::istringstream fields(line.substr(paren + 1));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (!(fields >> state >> ppid >> pgrp)) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') {
      alive = true;
      break;
    }
  }
  closedir(proc);
  return alive;
}

// A command that exits 0 before it is ready has most likely gone to the background.
std::string foreground_hint(int status) {
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "";
  return " (a dependency must stay in the foreground while the run goes: `docker compose up` "
         "without -d, a server without its daemon flag, or a script ending in `exec sleep "
         "infinity`)";
}

std::string describe_status(int status) {
  if (status == -1) return "ended (its status is unknown)";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended";
}

// nest-host's environment with `added` over it, as execve takes it.
std::vector<std::string> environment(
    const std::vector<std::pair<std::string, std::string>>& added) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    bool replaced = std::any_of(added.begin(), added.end(), [&](const auto& pair) {
      return entry.size() > pair.first.size() && entry.starts_with(pair.first) &&
             entry[pair.first.size()] == '=';
    });
    if (!replaced) out.emplace_back(entry);
  }
  for (const auto& [name, value] : added) out.push_back(name + "=" + value);
  return out;
}

// Forks /bin/sh -c `command` as the leader of a new process group; -1 with errno on failure.
// Between fork and exec the child calls only async-signal-safe functions: nest-host may have
// threads.
pid_t spawn(const std::string& command, std::vector<std::string>& env, int null_fd, int log_fd) {
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  char sh[] = "sh", dash_c[] = "-c";
  char* argv[] = {sh, dash_c, const_cast<char*>(command.c_str()), nullptr};
  pid_t parent = getpid();
  // All signals blocked across fork: until the child has put back the default dispositions, a
  // SIGTERM sent to it must wait, not run nest-host's handler (which would swallow it).
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  pid_t pid = fork();
  if (pid != 0) {
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    if (pid > 0) setpgid(pid, pid);  // also here: no window where a kill(-pid) misses it
    errno = error;
    return pid;
  }
  // Its shell gets SIGTERM if nest-host dies outright (the process group does not).
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(127);
  setpgid(0, 0);
  dup2(null_fd, STDIN_FILENO);
  dup2(log_fd, STDOUT_FILENO);
  dup2(log_fd, STDERR_FILENO);
  // nest-host's sockets and files are not the dependency's (close_range: Linux 5.9 on).
  if (close_range(3, ~0U, 0) != 0) {
    for (long fd = 3, most = sysconf(_SC_OPEN_MAX); fd < most; ++fd) close(static_cast<int>(fd));
  }
  // Ignored signals (nest-host ignores SIGPIPE) and the mask survive exec: not for this.
  // Pending ones are delivered once unblocked, with their default action.
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve("/bin/sh", argv, envp.data());
  static const char kMessage[] = "nest-host: cannot run /bin/sh\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
  _exit(127);
}

// --- Messages ----------------------------------------------------------------------------

// "2 s", "1.5 s".
std::string seconds_text(Clock::duration d) {
  double s = std::chrono::duration<double>(d).count();
  char text[32];
  if (s == static_cast<long long>(s)) {
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(s));
  } else {
    std::snprintf(text, sizeof text, "%.1f s", s);
  }
  return text;
}

// The last lines of a dependency's output, for its error.
std::string output_tail(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  if (size <= 0) return "it wrote nothing (" + path + ")";
  std::streamoff from = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(kTailBytes));
  in.seekg(from);
  std::string text(static_cast<std::size_t>(size - from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines;
  std::istringstream split(text);
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  if (from > 0 && !lines.empty()) lines.erase(lines.begin());  // a line cut in two
  if (lines.size() > kTailLines) lines.erase(lines.begin(), lines.end() - kTailLines);
  std::string out = "the last " + std::to_string(lines.size()) + " line" +
                    (lines.size() == 1 ? "" : "s") + " of its output (" + path + "):";
  for (std::string line : lines) {
    if (line.ends_with('\r')) line.pop_back();
    bool cut = line.size() > kLongestLine;
    if (cut) line.resize(kLongestLine);
    out += "\n  | " + printable(valid_utf8(line)) + (cut ? "..." : "");
  }
  return out;
}

std::string named(const DependencySpec& spec) {
  std::string out = "dependency '" + printable(spec.name) + "'";
  if (!spec.where.empty()) out += " (" + spec.where + ")";
  return out;
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Why `specs` cannot start, or empty.
std::string spec_error(const std::vector<DependencySpec>& specs, std::set<std::string> names) {
  for (const DependencySpec& spec : specs) {
    if (!valid_name(spec.name)) {
      return named(spec) + ": a dependency's name is letters, digits, '_' and '-'";
    }
    if (!names.insert(spec.name).second) return named(spec) + ": that name is given twice";
    if (trim(spec.command).empty()) return named(spec) + ": no command";
    if (std::string error = ready_check_error(spec.ready); !error.empty()) {
      return named(spec) + ": " + error;
    }
  }
  return {};
}

// Whether the shell of `pid` has ended; reaps it (`status`: its wait status, -1 if unknown).
bool reap(pid_t pid, bool block, bool& reaped, int& status) {
  while (!reaped) {
    int st = 0;
    pid_t r = waitpid(pid, &st, block ? 0 : WNOHANG);
    if (r == pid) {
      reaped = true;
      status = st;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0) {  // ECHILD: reaped elsewhere (SIGCHLD ignored, a waitpid(-1))
      reaped = true;
      status = -1;
    }
    break;
  }
  return reaped;
}

}  // namespace

Dependencies::Dependencies(std::string log_dir,
                           std::vector<std::pair<std::string, std::string>> env)
    : log_dir_(std::move(log_dir)), env_(std::move(env)) {}

Dependencies::~Dependencies() { stop(); }

void Dependencies::start(const std::vector<DependencySpec>& specs,
                         const std::function<void(const std::string&)>& say) {
  std::set<std::string> names;
  for (const Started& d : started_) names.insert(d.spec.name);
  if (std::string error = spec_error(specs, names); !error.empty()) throw DependencyError(error);
  if (specs.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(log_dir_.empty() ? "." : log_dir_, ec);
  if (ec) {
    throw DependencyError("cannot make " + log_dir_ +
                          " for the dependencies' logs: " + ec.message());
  }
  StopSignals signals;
  for (const DependencySpec& spec : specs) {
    launch(spec);
    wait_ready(started_.back(), say);
  }
  if (StopSignals::received()) {  // during the last check, or after it
    StopSignals::forget_received();
    stop();
    throw DependencyError("interrupted once the dependencies were ready; they are stopped");
  }
  signals.keep_blocked();
}

void Dependencies::launch(const DependencySpec& spec) {
  std::string path = (log_dir_.empty() ? "" : log_dir_ + "/") + "dependency-" + spec.name + ".log";
  int log_fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    std::string error = std::strerror(errno);
    stop();
    throw DependencyError(named(spec) + ": cannot write its log " + path + ": " + error);
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<std::string> env = environment(env_);
  pid_t pid = null_fd < 0 ? -1 : spawn(spec.command, env, null_fd, log_fd);
  int error = errno;
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) {
    stop();
    throw DependencyError(named(spec) + ": cannot start it: " + std::strerror(error));
  }
  remember_group(pid);
  started_.push_back(Started{spec, path, pid});
}

void Dependencies::wait_ready(Started& d, const std::function<void(const std::string&)>& say) {
  ReadyCheck check(d.spec.ready, d.log_path);
  auto began = Clock::now();
  auto deadline = began + std::max(d.spec.timeout, milliseconds(0));
  for (;;) {
    if (StopSignals::received()) {
      StopSignals::forget_received();  // the stop takes its graces; a second signal hurries it
      stop();
      throw DependencyError(
          "interrupted while waiting for " + named(d.spec) +
          " to be ready; the dependencies started are stopped (its output: " + d.log_path + ")");
    }
    if (reap(d.pid, false, d.reaped, d.status)) {
      fail(d, describe_status(d.status) + " before it was ready" + foreground_hint(d.status));
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (check.attempt(std::clamp(left, milliseconds(100), milliseconds(1000)))) {
      // Ready, but by its own doing? A port held by another process answers for one that could
      // not bind it and is exiting.
      if (reap(d.pid, false, d.reaped, d.status)) {
        fail(d, describe_status(d.status) + " before it was ready" + foreground_hint(d.status));
      }
      if (d.spec.ready.empty()) {
        say(d.spec.name + ": started (no readiness check)");
      } else {
        say(d.spec.name + ": ready after " +
            seconds_text(std::chrono::duration_cast<milliseconds>(Clock::now() - began)) + " (" +
            d.spec.ready + ")");
      }
      return;
    }
    if (Clock::now() >= deadline) {
      fail(d, "not ready after " + seconds_text(d.spec.timeout) + ": " + d.spec.ready + " (" +
                  check.why_not() + ")");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kPollEvery, deadline - Clock::now()));
  }
}

void Dependencies::fail(const Started& d, const std::string& what) {
  DependencySpec spec = d.spec;
  std::string log_path = d.log_path;
  stop();  // `d` lives in started_: copied first
  throw DependencyError(named(spec) + " " + what + "\n" + output_tail(log_path));
}

std::vector<std::string> Dependencies::stop() {
  std::vector<std::string> ended;
  StopSignals signals;
  for (auto it = started_.rbegin(); it != started_.rend(); ++it) {
    if (it->stopped) continue;
    if (reap(it->pid, false, it->reaped, it->status)) {
      ended.push_back(it->spec.name + " " + describe_status(it->status) + " during the run");
    }
    stop_one(*it, StopSignals::received());
  }
  return ended;
}

void Dependencies::stop_one(Started& d, bool hurry) {
  // Once its shell is reaped and its group empty, the number may name another group soon.
  bool alive = !d.reaped || group_alive(d.pid);
  if (alive) kill(-d.pid, SIGTERM);
  auto deadline = Clock::now() + (hurry ? milliseconds(0) : d.spec.grace);
  while (alive && Clock::now() < deadline && !StopSignals::received()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    alive = !reap(d.pid, false, d.reaped, d.status) || group_alive(d.pid);
  }
  if (alive) {
    kill(-d.pid, SIGKILL);
    reap(d.pid, true, d.reaped, d.status);
    auto gone_by = Clock::now() + kAfterKill;
    while (group_alive(d.pid) && Clock::now() < gone_by) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  forget_group(d.pid);
  d.stopped = true;
}

void Dependencies::kill_all_now() noexcept {
  for (auto& slot : g_groups) {
    pid_t pgid = slot.load();
    if (pgid > 0) kill(-pgid, SIGKILL);
  }
}

std::vector<std::string> Dependencies::log_files() const {
  std::vector<std::string> files;
  for (const Started& d : started_) files.push_back(d.log_path);
  return files;
}

}  // namespace nest::host
