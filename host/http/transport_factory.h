// The one place that knows the concrete transports: the engine asks for a kind and gets the
// Transport interface. A new transport (HTTP/2 on the fast path, say) changes http/ only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "http/transport.h"

namespace nest::host {

// Once per process, before any worker thread starts: what the transports need set up globally
// (curl_global_init). Safe to call again.
void prepare_transports();

// A new transport of `kind` for one worker thread, on its `io` and recording into `recorder`;
// both must outlive it.
std::unique_ptr<Transport> make_transport(TransportSettings::Kind kind, boost::asio::io_context& io,
                                          Recorder& recorder, const TransportSettings& settings);

}  // namespace nest::host
