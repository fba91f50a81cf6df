#include "http/session_core.h"

#include <nest/taskset.h>

#include <boost/scope_exit.hpp>

#include "http/record_response.h"
#include "http/response_pool.h"
#include "http/url.h"

namespace nest::host {

nest::Response SessionCore::send(const nest::Request& request) {
  fiber_.check_stopped();
  const std::string& name = request.options.name.empty() ? request.path : request.options.name;
  unsigned row = recorder_.row(request.method, name);
  std::chrono::milliseconds timeout =
      request.options.timeout.count() > 0 ? request.options.timeout : settings_.request_timeout;
  nest::Response response;
  ResponsePool::instance().prepare(response);
  Ending ending;
  {
    row_in_flight_ = static_cast<int>(row);
    BOOST_SCOPE_EXIT_ALL(this) { row_in_flight_ = -1; };
    ending = exchange(request, timeout, response);
  }
  switch (ending) {
    case Ending::kStopped:
      recorder_.cut(row);
      throw nest::UserStopped{};
    case Ending::kTimedOut:
      response.error = "timed out after " + std::to_string(timeout.count()) + " ms";
      response.elapsed = timeout;
      break;
    case Ending::kDone:
      break;
  }
  if (!response.error.empty()) response.status = 0;
  if (request.options.catch_response) {
    defer_recording(response, this, row);  // recorded when the task lets go of it
  } else {
    record_response(recorder_, row, response);
  }
  return response;
}

void SessionCore::record_deferred(const nest::Response& response) noexcept {
  record_response(recorder_, control(response).row, response);
}

bool is_absolute_url(std::string_view path) {
  return path.starts_with("http://") || path.starts_with("https://");
}

void append_path(std::string& out, std::string_view base, std::string_view path) {
  out.append(base);
  if (!path.starts_with('/')) out += '/';
  out.append(path);
}

void append_query(std::string& target, const nest::Headers& query) {
  char separator = target.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    target += separator;
    append_escaped(target, key);
    target += '=';
    append_escaped(target, value);
    separator = '&';
  }
}

}  // namespace nest::host
