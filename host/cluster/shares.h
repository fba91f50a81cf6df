// Each worker's share of a plan: the shares add up exactly to the whole (no user lost to
// rounding), and each worker spawns at a rate in proportion to its users, so all of them finish
// spawning together, as one process would. Arrival rates split evenly: n workers each at r / n
// make r (with Poisson arrivals, exactly a Poisson process of rate r).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/load_target.h"

namespace nest::host {

struct UsersShare {
  std::uint64_t users = 0;
  double spawn_rate = 0;
};

// `workers` >= 1 shares of `users` at `spawn_rate`: the first users % workers get one more. The
// rates of the workers with users add up to `spawn_rate`.
std::vector<UsersShare> share_users(std::uint64_t users, double spawn_rate, std::size_t workers);

// `workers` >= 1 shares of an aim: users as share_users does; an arrival rate split evenly,
// each share reached over the same ramp.
std::vector<LoadTarget> share_target(const LoadTarget& aim, std::size_t workers);

}  // namespace nest::host
