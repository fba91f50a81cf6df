#include "plugins/probe.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>
#include <cstring>
#include <memory>
#include <thread>

#include "plugins/exports.h"
#include "shared/shared_store.h"

namespace nest::host {

const nest::detail::Host* discovery_host() {
  // No user runs here. Feeders made in a constructor read their files into a store of
  // discovery's own, so a bad file is reported with its taskset now, while the run reads its
  // own copy when first used (after the dependencies, which may rewrite it).
  static const nest::detail::Host host{[]() -> nest::detail::UserContext* { return nullptr; },
                                       [] () -> nest::detail::SharedData* {
                                         static SharedStore* store = new SharedStore;
                                         return store;
                                       }};
  return &host;
}

namespace {

constexpr int kFactoryThrew = 3;  // child exit code: loaded fine, a factory threw
constexpr int kLoadThrew = 4;     // child exit code: an exception escaped loading itself

[[noreturn]] void child(const std::filesystem::path& file, const PluginSymbols& symbols,
                        int message_fd) {
  boost::dll::shared_library library;
  try {
    library.load(file.string(),
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    // Thrown by a static constructor, through the dynamic loader: the host must never load
    // this file itself.
    ssize_t ignored = write(message_fd, e.what(), std::strlen(e.what()));
    (void)ignored;
    _exit(kLoadThrew);
  } catch (...) {
    _exit(kLoadThrew);
  }
  int code = 0;
  try {
    PluginExports exports = plugin_exports(library, symbols);
    for (const nest::detail::TasksetExport* entry : exports.tasksets) {
      if (!incompatibility(*entry).empty()) continue;  // reported by the host
      std::unique_ptr<nest::TaskSet>(entry->create(discovery_host()));
    }
    for (const nest::detail::ShapeExport* entry : exports.shapes) {
      if (!incompatibility(*entry).empty()) continue;
      std::unique_ptr<nest::LoadShape>(entry->create());
    }
  } catch (...) {
    code = kFactoryThrew;
  }
  _exit(code);  // no destructors, no atexit: the plugin's state dies with the child
}

}  // namespace

std::string probe_in_child(const std::filesystem::path& file, const PluginSymbols& symbols,
                           std::chrono::milliseconds timeout) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {};  // cannot probe: the in-process checks still run
  std::fflush(nullptr);                // the child must not flush our buffered output again
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return {};
  }
  if (pid == 0) {
    // A plugin that hangs while loading must not outlive a nest-host that was stopped meanwhile
    // (SIGTERM, Ctrl-C): the child dies with its parent, also if the parent died before this.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    close(pipe_fds[0]);
    child(file, symbols, pipe_fds[1]);
  }
  close(pipe_fds[1]);

  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return "did not finish loading within " + std::to_string(timeout.count() / 1000) +
             " s (a static constructor that never returns?)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  char message[512] = {};
  ssize_t got = read(pipe_fds[0], message, sizeof message - 1);
  close(pipe_fds[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kLoadThrew) {
    return std::string("threw while loading (a static constructor): ") +
           (got > 0 ? message : "unknown exception");
  }
  if (WIFSIGNALED(status)) {
    return std::string("crashed while loading in a test process (") + strsignal(WTERMSIG(status)) +
           "): a static constructor or the taskset's constructor failed hard";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != kFactoryThrew) {
    return "exited with code " + std::to_string(WEXITSTATUS(status)) +
           " while loading in a test process (a static constructor called exit?)";
  }
  return {};
}

}  // namespace nest::host
