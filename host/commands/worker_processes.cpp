#include "commands/worker_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <limits>
#include <thread>

namespace nest::host {
namespace {

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

std::vector<std::string> worker_args(const Options& o, const std::string& master_url,
                                     unsigned threads, const std::string& empty_config) {
  std::vector<std::string> args = {
      "nest-host", "--worker", "--master-url", master_url, "--taskset-dir", o.taskset_dir,
      "--config", empty_config,  // the master's file is the master's ([dependencies] too)
      "--threads", std::to_string(threads),
      "--transport", o.run.transport.kind == TransportSettings::Kind::kFast ? "fast" : "curl",
      "--request-timeout", ms(o.run.transport.request_timeout),
      "--max-redirects", std::to_string(o.run.transport.max_redirects),
      "--max-body", o.run.transport.max_body == std::numeric_limits<std::uint64_t>::max()
                        ? std::string("none")
                        : std::to_string(o.run.transport.max_body)};
  if (o.run.transport.insecure) args.push_back("--insecure");
  return args;
}

}  // namespace

WorkerProcesses::WorkerProcesses(const Options& options, const std::string& master_url) {
  unsigned n = options.cluster.processes;
  unsigned threads = std::max(1u, options.run.threads / std::max(1u, n));
  char config[] = "/tmp/nest-host-worker-XXXXXX.ini";
  int fd = mkstemps(config, 4);
  if (fd < 0) throw std::runtime_error(std::string("--processes: ") + std::strerror(errno));
  close(fd);
  config_ = config;
  std::vector<std::string> args = worker_args(options, master_url, threads, config_);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Each worker's environment is this one's and its NEST_WORKER_INDEX, made before fork: the
  // child of a threaded process may not allocate before exec (setenv does; under ASan, whose
  // allocator lock another thread may hold at the fork, that can hang).
  std::vector<char*> inherited;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "NEST_WORKER_INDEX=", 18) != 0) inherited.push_back(*e);
  }
  for (unsigned i = 0; i < n; ++i) {
    std::string index = "NEST_WORKER_INDEX=" + std::to_string(i);
    std::vector<char*> envp = inherited;
    envp.push_back(index.data());
    envp.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
      int error = errno;
      wait();
      throw std::runtime_error(std::string("--processes: cannot start a worker: ") +
                               std::strerror(error));
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // the master died outright: stop (gracefully)
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      execve("/proc/self/exe", argv.data(), envp.data());
      _exit(127);
    }
    pids_.push_back(pid);
    statuses_.push_back(0);
    reaped_.push_back(false);
  }
}

std::string WorkerProcesses::describe(std::size_t i, bool always) const {
  std::string who = "process " + std::to_string(i + 1) + " (pid " + std::to_string(pids_[i]) + ")";
  int status = statuses_[i];
  if (WIFSIGNALED(status)) {
    return who + " was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status) && (WEXITSTATUS(status) != 0 || always)) {
    return who + " exited with status " + std::to_string(WEXITSTATUS(status));
  }
  return {};
}

std::string WorkerProcesses::first_ended() {
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    if (!reaped_[i] && waitpid(pids_[i], &statuses_[i], WNOHANG) == pids_[i]) reaped_[i] = true;
    if (reaped_[i]) return describe(i, true);
  }
  return {};
}

WorkerProcesses::~WorkerProcesses() { wait(); }

std::vector<std::string> WorkerProcesses::wait() {
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    while (!reaped_[i]) {
      pid_t done = waitpid(pids_[i], &statuses_[i], WNOHANG);
      if (done != 0) {  // ended (or, -1, not ours to wait for any more: status unknown)
        if (done < 0) statuses_[i] = 0;
        reaped_[i] = true;
      } else if (std::chrono::steady_clock::now() >= deadline) {
        kill(pids_[i], SIGKILL);
        waitpid(pids_[i], &statuses_[i], 0);
        reaped_[i] = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (std::string line = describe(i, false); !line.empty()) lines.push_back(line);
  }
  pids_.clear();
  statuses_.clear();
  reaped_.clear();
  if (!config_.empty()) unlink(config_.c_str());
  config_.clear();
  return lines;
}

}  // namespace nest::host
