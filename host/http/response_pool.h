// Storage of finished Responses, kept for the next ones, so that a task's steady request loop
// allocates nothing: a Response's body string and header strings keep their capacity from one
// request to the next.
//
// A transport fills each Response it hands out through this pool (prepare, add_header,
// clear_headers); the Response gives its storage back when the task lets go of it
// (nest::detail::ResponseRecycler). The spares are per thread — Responses are made and
// destroyed on their user's worker thread — and bounded, so a burst does not stay resident.
#pragma once

#include <nest/http.h>

#include <string_view>

namespace nest::host {

class ResponsePool final : public nest::detail::ResponseRecycler {
 public:
  // The one pool; it lives as long as the process (Responses may be destroyed late).
  static ResponsePool& instance();

  // Empties `response`'s body and headers, gives it recycled storage for them where it has
  // none, and has it come back here when destroyed.
  void prepare(nest::Response& response);
  // Appends a header, reusing a recycled name/value pair's capacity when there is one.
  void add_header(nest::Response& response, std::string_view name, std::string_view value);
  // Empties the headers, keeping their strings for reuse (a redirect's next hop, a retry).
  void clear_headers(nest::Response& response) noexcept;

  void recycle(nest::Response& response) noexcept override;

 private:
  ResponsePool() = default;
};

}  // namespace nest::host
