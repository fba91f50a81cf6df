// Readiness checks of a dependency (DependencySpec::ready): is the form right, and is it ready
// yet, one attempt at a time.
//   tcp://HOST:PORT   a TCP connection to it is accepted (HOST a name, IPv4, or [IPv6])
//   http(s)://URL     a GET answers 2xx (redirects are not followed; certificates are not
//                     checked: the question is only whether it answers; loopback bypasses any
//                     proxy from the environment)
//   log:TEXT          TEXT has appeared in the dependency's output (its log file)
//   (empty)           ready once started
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace nest::host {

// What is wrong with the form of `check`, for people ("tcp://HOST:PORT needs a port"); empty
// when it is fine, and for an empty check.
std::string ready_check_error(std::string_view check);

// One dependency's check, attempted again and again until it is ready. Not thread-safe.
class ReadyCheck {
 public:
  // Precondition: ready_check_error(check) is empty. `log_path`: the dependency's output, read
  // by log:TEXT (only what was added since the last attempt is read).
  ReadyCheck(std::string check, std::string log_path);

  // One attempt; takes at most about `budget` (connect and answer time; at least 100 ms).
  // True when ready (always, for an empty check). Never throws for a dependency not ready.
  bool attempt(std::chrono::milliseconds budget);
  // Why the last attempt was not ready: "connection refused", "answered 503", "TEXT not in its
  // output yet". Empty before the first attempt.
  const std::string& why_not() const { return why_not_; }

 private:
  bool attempt_tcp(std::chrono::milliseconds budget);
  bool attempt_http(std::chrono::milliseconds budget);
  bool attempt_log();

  std::string check_;
  std::string log_path_;
  std::string why_not_;
  std::uint64_t log_offset_ = 0;  // bytes of the log already searched
  std::string log_tail_;          // their last (TEXT length - 1) bytes: TEXT may straddle reads
};

}  // namespace nest::host
