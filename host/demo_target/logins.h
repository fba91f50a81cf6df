// The demo target's logins: which account each session is logged in as, and a login refused
// while its account is in use by another session, so that a load test handing one account to
// two users at once (a feeder's claims gone wrong) shows up as failures. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace nest::demo {

class Logins {
 public:
  // Logs `user` in: the new session's number, or 0 when `user` is logged in on another session
  // (refused, and counted). An empty `user` (no account named) always gets a session.
  unsigned long long login(std::string_view user);
  // Logs out the session (its account is free again); unknown sessions are ignored.
  void logout(unsigned long long session);
  // {"in_use": N, "most_in_use": M, "total": T, "refused": R}
  std::string json() const;

 private:
  mutable std::mutex mutex_;
  unsigned long long next_session_ = 1;
  std::map<unsigned long long, std::string> sessions_;  // session -> account (named ones)
  std::set<std::string, std::less<>> in_use_;
  std::size_t most_in_use_ = 0;
  unsigned long long total_ = 0, refused_ = 0;
};

}  // namespace nest::demo
