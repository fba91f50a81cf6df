#include "logins.h"

#include <algorithm>

namespace nest::demo {

unsigned long long Logins::login(std::string_view user) {
  std::lock_guard lock(mutex_);
  ++total_;
  if (user.empty()) return next_session_++;
  if (in_use_.find(user) != in_use_.end()) {
    ++refused_;
    return 0;
  }
  in_use_.emplace(user);
  most_in_use_ = std::max(most_in_use_, in_use_.size());
  sessions_.emplace(next_session_, std::string(user));
  return next_session_++;
}

void Logins::logout(unsigned long long session) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session);
  if (found == sessions_.end()) return;
  in_use_.erase(found->second);
  sessions_.erase(found);
}

std::string Logins::json() const {
  std::lock_guard lock(mutex_);
  return "{\"in_use\": " + std::to_string(in_use_.size()) +
         ", \"most_in_use\": " + std::to_string(most_in_use_) +
         ", \"total\": " + std::to_string(total_) + ", \"refused\": " + std::to_string(refused_) +
         "}";
}

}  // namespace nest::demo
