#include "deps/dependency_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "deps/process_group.h"
#include "deps/ready_check.h"
#include "deps/stop_signals.h"
#include "util/text.h"

namespace nest::host {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollEvery{50};    // between readiness attempts, and exit checks
constexpr milliseconds kAfterKill{2000};  // for a SIGKILLed group to be gone, at most
constexpr std::size_t kTailLines = 15;    // of a failed dependency's output, in its error
constexpr std::size_t kTailBytes = 64 * 1024;
constexpr std::size_t kLongestLine = 300;  // characters of one output line shown

// --- Messages ----------------------------------------------------------------------------

// A command that exits 0 before it is ready has most likely gone to the background.
std::string foreground_hint(int status) {
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "";
  return " (a dependency must stay in the foreground while the run goes: `docker compose up` "
         "without -d, a server without its daemon flag, or a script ending in `exec sleep "
         "infinity`)";
}

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
  std::vector<std::string> env = environment_with(env_);
  pid_t pid = null_fd < 0 ? -1 : spawn_group(spec.command, env, null_fd, log_fd);
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

void Dependencies::kill_all_now() noexcept { kill_remembered_groups(); }

std::vector<std::string> Dependencies::log_files() const {
  std::vector<std::string> files;
  for (const Started& d : started_) files.push_back(d.log_path);
  return files;
}

}  // namespace nest::host
