// Splitting URLs the way the fast transport needs them: where to connect (origin) and what to
// ask for (target), and percent-encoding query parameters.
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

// Parses "http://host[:port][/path][?query]" (also https and [v6]:port). None when the text is
// not such a URL.
std::optional<Url> parse_url(std::string_view text);

// Appends `text` percent-encoded as curl_easy_escape does: all but A-Z a-z 0-9 - . _ ~.
void append_escaped(std::string& out, std::string_view text);

}  // namespace nest::host
