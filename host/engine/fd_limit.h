// Open files: each user keeps a connection, so a run needs about one descriptor per user.
#pragma once

#include <cstdint>
#include <string>

namespace nest::host {

// Raises the soft RLIMIT_NOFILE to the hard limit. Returns a warning when even that is too
// low for `users` connections (plus a margin), else an empty string.
std::string raise_fd_limit(std::uint64_t users);

}  // namespace nest::host
