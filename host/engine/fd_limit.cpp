#include "engine/fd_limit.h"

#include <sys/resource.h>

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

}  // namespace nest::host
