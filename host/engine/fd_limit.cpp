#include "engine/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace nest::host {

std::string raise_fd_limit(std::uint64_t users) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const std::uint64_t needed = users + 64;  // plus listening, logging, resolver, files
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    return "warning: open files are limited to " + std::to_string(limit.rlim_cur) + ", and " +
           std::to_string(users) + " users need about " + std::to_string(needed) +
           ": connections beyond it will fail. Raise the hard limit (ulimit -Hn, or "
           "LimitNOFILE= / limits.conf) and run again.";
  }
  return {};
}

unsigned processes_for(std::uint64_t users, unsigned cores) {
  unsigned n = std::max(1u, cores);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max == RLIM_INFINITY) return n;
  std::uint64_t each = limit.rlim_max > 128 ? limit.rlim_max - 64 : 64;
  std::uint64_t needed = (users + each - 1) / each;
  return static_cast<unsigned>(std::clamp<std::uint64_t>(needed, n, 1024));
}

}  // namespace nest::host
