#include "http/transport_factory.h"

#include "http/curl_transport.h"
#include "http/fast_transport.h"

namespace nest::host {

void prepare_transports() { curl_global_setup(); }

std::unique_ptr<Transport> make_transport(TransportSettings::Kind kind, boost::asio::io_context& io,
                                          Recorder& recorder, const TransportSettings& settings) {
  switch (kind) {
    case TransportSettings::Kind::kFast:
      return std::make_unique<FastTransport>(io, recorder, settings);
    case TransportSettings::Kind::kCurl:
      break;
  }
  return std::make_unique<CurlTransport>(io, recorder, settings);
}

}  // namespace nest::host
