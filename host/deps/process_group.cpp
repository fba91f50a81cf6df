#include "deps/process_group.h"

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace nest::host {
namespace {

// A fixed table of lock-free atomics: a signal handler may read it.
constexpr std::size_t kGroupSlots = 64;
std::atomic<pid_t> g_groups[kGroupSlots];

}  // namespace

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

void kill_remembered_groups() noexcept {
  for (auto& slot : g_groups) {
    pid_t pgid = slot.load();
    if (pgid > 0) kill(-pgid, SIGKILL);
  }
}

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

std::string describe_status(int status) {
  if (status == -1) return "ended (its status is unknown)";
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended";
}

std::vector<std::string> environment_with(
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

pid_t spawn_group(const std::string& command, std::vector<std::string>& env, int null_fd,
                  int log_fd) {
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

}  // namespace nest::host
