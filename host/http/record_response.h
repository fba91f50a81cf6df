// How a finished request counts in the stats: one rule for every transport.
#pragma once

#include <nest/http.h>

#include "stats/recorder.h"

namespace nest::host {

// Records `response` on `row`. It is a failure when the task marked it failed, or when it is
// not ok() (transport error or status >= 400) and the task did not mark it a success. The
// failure text is the task's message, the transport error, or "HTTP <status>".
inline void record_response(Recorder& recorder, unsigned row, const nest::Response& response) {
  bool failed = response.marked_failed() || (!response.marked_succeeded() && !response.ok());
  std::string error;
  if (failed) {
    error = response.marked_failed()   ? response.failure_message()
            : !response.error.empty() ? response.error
                                       : "HTTP " + std::to_string(response.status);
  }
  recorder.add(row, static_cast<std::uint64_t>(response.elapsed.count()), response.body.size(),
               failed, error);
}

}  // namespace nest::host
