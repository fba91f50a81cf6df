#include "cluster/shares.h"

namespace nest::host {

std::vector<UsersShare> share_users(std::uint64_t users, double spawn_rate, std::size_t workers) {
  std::vector<UsersShare> shares(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    shares[i].users = users / workers + (i < users % workers ? 1 : 0);
    // A worker with no user still gets a rate above 0 (it starts none).
    shares[i].spawn_rate =
        shares[i].users > 0
            ? spawn_rate * static_cast<double>(shares[i].users) / static_cast<double>(users)
            : spawn_rate / static_cast<double>(workers);
  }
  return shares;
}

}  // namespace nest::host

namespace nest::host {

std::vector<LoadTarget> share_target(const LoadTarget& aim, std::size_t workers) {
  std::vector<LoadTarget> shares;
  if (const auto* users = std::get_if<UsersTarget>(&aim)) {
    for (const UsersShare& s : share_users(users->users, users->spawn_rate, workers)) {
      shares.push_back(UsersTarget{s.users, s.spawn_rate});
    }
  } else {
    ArrivalTarget each = std::get<ArrivalTarget>(aim);
    each.rate /= static_cast<double>(workers);
    shares.assign(workers, each);
  }
  return shares;
}

}  // namespace nest::host
