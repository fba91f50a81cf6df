#include "http/response_pool.h"

#include <string>
#include <utility>
#include <vector>

namespace nest::host {
namespace {

constexpr std::size_t kMaxBodies = 256;          // spare body strings per thread
constexpr std::size_t kMaxBodyBytes = 64 << 10;  // a bigger body is freed, not kept
constexpr std::size_t kMaxLists = 256;           // spare header vectors per thread
constexpr std::size_t kMaxFields = 4096;         // spare name/value pairs per thread

// The spares of one thread. Capacities are reserved up front: giving back never allocates, so
// recycle() can be noexcept.
struct Spares {
  Spares() {
    bodies.reserve(kMaxBodies);
    lists.reserve(kMaxLists);
    fields.reserve(kMaxFields);
  }
  ~Spares();
  std::vector<std::string> bodies;
  std::vector<nest::Headers> lists;
  nest::Headers fields;
};

// Trivially destructible, so still readable after this thread's Spares is gone (a Response a
// plugin kept in a static is destroyed after the thread's locals): then storage is just freed.
thread_local bool t_gone = false;
thread_local Spares t_spares;
Spares::~Spares() { t_gone = true; }

}  // namespace

ResponsePool& ResponsePool::instance() {
  static ResponsePool* pool = new ResponsePool;  // never destroyed: see the header
  return *pool;
}

void ResponsePool::prepare(nest::Response& response) {
  nest::detail::ResponseAccess::control(response).recycler = this;
  response.body.clear();
  clear_headers(response);
  if (t_gone) return;
  Spares& spares = t_spares;
  if (response.body.capacity() == std::string().capacity() && !spares.bodies.empty()) {
    response.body = std::move(spares.bodies.back());
    spares.bodies.pop_back();
  }
  if (response.headers.capacity() == 0 && !spares.lists.empty()) {
    response.headers = std::move(spares.lists.back());
    spares.lists.pop_back();
  }
}

void ResponsePool::add_header(nest::Response& response, std::string_view name,
                              std::string_view value) {
  if (t_gone || t_spares.fields.empty()) {
    response.headers.emplace_back(std::string(name), std::string(value));
    return;
  }
  auto& field = t_spares.fields.back();
  field.first.assign(name);
  field.second.assign(value);
  response.headers.push_back(std::move(field));
  t_spares.fields.pop_back();
}

void ResponsePool::clear_headers(nest::Response& response) noexcept {
  if (!t_gone) {
    Spares& spares = t_spares;
    for (auto& field : response.headers) {
      if (spares.fields.size() == spares.fields.capacity()) break;
      spares.fields.push_back(std::move(field));
    }
  }
  response.headers.clear();
}

void ResponsePool::recycle(nest::Response& response) noexcept {
  if (t_gone) return;
  Spares& spares = t_spares;
  std::string& body = response.body;
  if (body.capacity() > std::string().capacity() && body.capacity() <= kMaxBodyBytes &&
      spares.bodies.size() < spares.bodies.capacity()) {
    body.clear();
    spares.bodies.push_back(std::move(body));
  }
  clear_headers(response);
  if (response.headers.capacity() > 0 && spares.lists.size() < spares.lists.capacity()) {
    spares.lists.push_back(std::move(response.headers));
  }
}

}  // namespace nest::host
