// Splitting URLs the way the fast transport needs them: where to connect (origin) and what to
// ask for (target), resolving a redirect's Location, and percent-encoding query parameters.
// Parsing and resolving are Boost.URL's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nest::host {

struct Origin {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // name or address, without brackets
  std::uint16_t port = 0;
  bool operator==(const Origin&) const = default;
  // The Host header: "example.com", or "example.com:8080" for a port that is not the default.
  std::string host_header() const;
};

struct Url {
  Origin origin;
  std::string target;  // path and query, e.g. "/items?id=1"; "/" at least
};

// Parses "http://host[:port][/path][?query][#fragment]" (also https and [v6]:port) with
// Boost.URL, as RFC 3986 has it; the fragment is dropped, user info ignored, a host name
// percent-decoded. None when the text is not such a URL, or its host name decodes to bytes a
// name cannot hold (controls, spaces, '/', '%', '@'...).
std::optional<Url> parse_url(std::string_view text);

// Where `reference` (a redirect's Location: "/x", "x", "../x", "?q", "//host/x", or a whole
// URL) leads from `base`, resolved as RFC 3986 5.2 says. None when it is not a URI reference,
// or leads to something other than http(s).
std::optional<Url> resolve_url(const Url& base, std::string_view reference);

// Appends `text` percent-encoded as curl_easy_escape does: all but A-Z a-z 0-9 - . _ ~.
void append_escaped(std::string& out, std::string_view text);

}  // namespace nest::host
