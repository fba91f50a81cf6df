// Open files: each user keeps a connection, so a run needs about one descriptor per user.
#pragma once

#include <cstdint>
#include <string>

namespace nest::host {

// Raises the soft RLIMIT_NOFILE to the hard limit. Returns a warning when even that is too
// low for `users` connections (plus a margin), else an empty string.
std::string raise_fd_limit(std::uint64_t users);

// --processes auto: enough processes that each keeps its users' connections under the hard
// open-file limit (with raise_fd_limit's margin), and at least one per core in `cores`.
unsigned processes_for(std::uint64_t users, unsigned cores);

}  // namespace nest::host
