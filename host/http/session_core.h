// What every protocol's session does alike, written once: the stats row a request counts on,
// the URL it goes to, its timeout, the Response's storage, the words for a timeout, and how the
// result is recorded (at once, or when the task lets go of it with catch_response). A protocol
// implements exchange() and cancel() only (h2load's Session interface is the model).
//
// Thread-safety: none; a session belongs to one user on one worker thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "http/transport.h"

namespace nest::host {

class SessionCore : public Session, nest::detail::ResponseSink {
 public:
  // Sends `request` through exchange() and records it. Throws nest::UserStopped when the user
  // was stopped before it (nothing was sent) or cancel() ended it (counted as cut).
  nest::Response send(const nest::Request& request) final;
  int row_in_flight() const final { return row_in_flight_; }

 protected:
  SessionCore(Recorder& recorder, const TransportSettings& settings, Fiber& fiber)
      : recorder_(recorder), settings_(settings), fiber_(fiber) {}

  enum class Ending {
    kDone,      // a response arrived, or `error` says why none did
    kTimedOut,  // the request's timeout ran out: SessionCore writes the error and time
    kStopped,   // cancel() ended it: nothing is recorded
  };
  // Performs `request`, redirects included, into `response` (its storage already prepared):
  // status, headers and body, or `error` (the transport's words: they group failures in the
  // reports, so no per-request numbers); and `elapsed`, from writing the request to its last
  // byte. `timeout` is the request's own or --request-timeout.
  virtual Ending exchange(const nest::Request& request, std::chrono::milliseconds timeout,
                          nest::Response& response) = 0;

  Recorder& recorder_;
  const TransportSettings& settings_;
  Fiber& fiber_;

 private:
  void record_deferred(const nest::Response& response) noexcept override;

  int row_in_flight_ = -1;
};

// Where a request goes, as both protocols spell it. A path that is a whole URL ("http://...",
// "https://...") is used as it is; any other is joined to the base: `base` + "/" + path, with
// one slash between them (`base` has no trailing slash: --host's URL, or its path).
bool is_absolute_url(std::string_view path);

void append_path(std::string& out, std::string_view base, std::string_view path);
// Appends "?k=v&..." (or "&k=v..." when `target` has a query already), percent-encoded as
// curl_easy_escape does.
void append_query(std::string& target, const nest::Headers& query);

}  // namespace nest::host
