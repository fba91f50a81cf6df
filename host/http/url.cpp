#include "http/url.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <charconv>

namespace nest::host {
namespace urls = boost::urls;

namespace {

// An http(s) URL with a host, split into origin and target; none for any other.
std::optional<Url> from_view(urls::url_view u) {
  Url url;
  if (u.scheme_id() == urls::scheme::http) {
    url.origin.scheme = "http";
    url.origin.port = 80;
  } else if (u.scheme_id() == urls::scheme::https) {
    url.origin.scheme = "https";
    url.origin.port = 443;
  } else {
    return std::nullopt;
  }
  if (!u.has_authority()) return std::nullopt;
  url.origin.host = u.host_address();  // an IPv6 address without its brackets; a name decoded
  if (url.origin.host.empty()) return std::nullopt;
  // A name decodes to what a name may hold unescaped (RFC 3986 reg-name: unreserved and
  // sub-delims): "%0D%0A" or "%00" would end the Host header early, "%2F" make another URL.
  if (u.host_type() == urls::host_type::name &&
      !std::all_of(url.origin.host.begin(), url.origin.host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
      })) {
    return std::nullopt;
  }
  // A name given percent-encoded must read back as itself once written out plainly (in the
  // Host header, in a redirect's base): Boost 1.81 reads "127.0.0.1rt" (from "%3127.0.0.1rt")
  // as the address 127.0.0.1 followed by a path. (A name written plainly was read so already.)
  urls::pct_string_view encoded = u.encoded_host();
  if (u.host_type() == urls::host_type::name &&
      std::string_view(encoded.data(), encoded.size()) != url.origin.host) {
    std::string plain = "http://" + url.origin.host + "/";
    auto again = urls::parse_uri(plain);  // a view of `plain`
    if (!again || again->host_type() != urls::host_type::name ||
        again->host_address() != url.origin.host) {
      return std::nullopt;
    }
  }
  if (u.has_port() && !u.port().empty()) {
    std::string_view port = u.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    url.origin.port = static_cast<std::uint16_t>(value);
  }
  url.target = u.encoded_path();
  // After an authority the path is empty or starts with '/' (RFC 3986 3.3); Boost 1.81 takes
  // "http://h:8o80/" as port 8 and path "o80/".
  if (!url.target.empty() && url.target.front() != '/') return std::nullopt;
  if (url.target.empty()) url.target = "/";
  if (u.has_query()) url.target.append("?").append(u.encoded_query());
  return url;
}

}  // namespace

std::string Origin::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

std::optional<Url> parse_url(std::string_view text) {
  auto parsed = urls::parse_uri(text);  // RFC 3986 absolute URI, a fragment allowed
  if (!parsed) return std::nullopt;
  return from_view(*parsed);
}

std::optional<Url> resolve_url(const Url& base, std::string_view reference) {
  auto ref = urls::parse_uri_reference(reference);
  if (!ref) return std::nullopt;
  std::string text = base.origin.scheme + "://" + base.origin.host_header() + base.target;
  auto base_view = urls::parse_uri(text);
  if (!base_view) return std::nullopt;
  urls::url resolved;
  if (!urls::resolve(*base_view, *ref, resolved)) return std::nullopt;
  // Boost 1.81 keeps the ".." segments that climb above the root ("../../../g" against
  // "/b/c/d;p" gives "/../g"); RFC 3986 (5.2.4, 5.4.2) drops them: "/g". (boostorg/url#808,
  // fixed in Boost 1.85.) They are left only at the start, so the start is all there is to mend.
  // (In the target, not by Boost's set_encoded_path, which writes "/" as "/./".)
  auto url = from_view(resolved);
  if (!url) return url;
  std::string& target = url->target;
  std::size_t cut = 0;
  while (target.compare(cut, 4, "/../") == 0) cut += 3;
  if (target.compare(cut, 3, "/..") == 0 && (target.size() == cut + 3 || target[cut + 3] == '?')) {
    target = "/" + target.substr(cut + 3);  // "/.." and "/..?q": the root, "/" and "/?q"
  } else {
    target.erase(0, cut);
  }
  return url;
}

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

}  // namespace nest::host
