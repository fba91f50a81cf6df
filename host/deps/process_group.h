// A command run as the leader of a process group of its own, and what it takes to watch and end
// the whole group: its state, its reaping, and a table of the groups alive that a crash path
// can kill from a signal handler.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace nest::host {

// nest-host's environment with `added` over it, as execve takes it ("NAME=value").
std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& added);

// Forks /bin/sh -c `command` as the leader of a new process group (pgid == its pid), standard
// input from `null_fd`, output and errors to `log_fd`, none of nest-host's other descriptors,
// default signal dispositions, `env` as its environment; its shell gets SIGTERM if the calling
// thread ends (PR_SET_PDEATHSIG). Returns its pid, or -1 with errno on failure. Between fork
// and exec the child calls only async-signal-safe functions: nest-host may have threads.
pid_t spawn_group(const std::string& command, std::vector<std::string>& env, int null_fd,
                  int log_fd);

// Whether any process of group `pgid` is alive. Zombies are not: orphans wait for a reaper
// that nest-host does not control (in a container, PID 1 may never reap them).
bool group_alive(pid_t pgid);

// Whether child `pid` has ended; reaps it once (`reaped` set, `status` its wait status, -1 if
// it was reaped elsewhere). `block`: waits for it to end.
bool reap(pid_t pid, bool block, bool& reaped, int& status);

// "exited with status 1", "was killed by signal 9 (Killed)", of a wait status (-1: unknown).
std::string describe_status(int status);

// The table of groups alive, for kill_remembered_groups(): at most 64 at once (more are not
// remembered). Lock-free: any thread may change it while a signal handler reads it.
void remember_group(pid_t pgid);
void forget_group(pid_t pgid);
// SIGKILL to every group remembered. Async-signal-safe.
void kill_remembered_groups() noexcept;

}  // namespace nest::host
