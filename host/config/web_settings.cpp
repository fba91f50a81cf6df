#include "config/web_settings.h"

#include <boost/asio/ip/address.hpp>

namespace nest::host {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

}  // namespace nest::host
