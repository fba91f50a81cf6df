// How a finished request counts in the stats: one rule for every transport, and the host's side
// of a Response (nest::detail::ResponseControl: deferred recording, storage reuse, the task's
// verdict).
#pragma once

#include <nest/http.h>

#include "stats/recorder.h"

namespace nest::host {

inline nest::detail::ResponseControl& control(nest::Response& response) {
  return nest::detail::ResponseAccess::control(response);
}
inline const nest::detail::ResponseControl& control(const nest::Response& response) {
  return nest::detail::ResponseAccess::control(response);
}

// Records `response` on `row`. It is a failure when the task marked it failed, or when it is
// not ok() (transport error or status >= 400) and the task did not mark it a success. The
// failure text is the task's message, the transport error, or "HTTP <status>".
inline void record_response(Recorder& recorder, unsigned row, const nest::Response& response) {
  using Verdict = nest::detail::ResponseControl::Verdict;
  const auto& verdict = control(response);
  bool marked_failed = verdict.verdict == Verdict::kFailure;
  bool failed = marked_failed || (verdict.verdict != Verdict::kSuccess && !response.ok());
  std::string error;
  if (failed) {
    error = marked_failed             ? verdict.failure_message
            : !response.error.empty() ? response.error
                                      : "HTTP " + std::to_string(response.status);
  }
  recorder.add(row, static_cast<std::uint64_t>(response.elapsed.count()), response.body.size(),
               failed, error);
}

// With catch_response: `response` is recorded on `row` by `sink` when the task lets go of it.
inline void defer_recording(nest::Response& response, nest::detail::ResponseSink* sink,
                            unsigned row) {
  control(response).sink = sink;
  control(response).row = row;
}

}  // namespace nest::host
