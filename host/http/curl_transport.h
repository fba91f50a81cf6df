// The libcurl transport: one CurlMulti per worker, one easy handle (and so one cookie jar) per
// user. Connections live in the worker's multi handle and are reused across its users.
#pragma once

#include <boost/asio/io_context.hpp>

#include "http/curl_multi.h"
#include "http/transport.h"

namespace nest::host {

class CurlTransport final : public Transport {
 public:
  CurlTransport(boost::asio::io_context& io, Recorder& recorder, TransportSettings settings);
  std::unique_ptr<Session> new_session(Fiber& fiber) override;

 private:
  CurlMulti multi_;
  Recorder& recorder_;
  TransportSettings settings_;
};

// Makes curl_global_init happen once, before any thread uses curl.
void curl_global_setup();

}  // namespace nest::host
