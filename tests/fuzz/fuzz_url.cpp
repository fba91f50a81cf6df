// URLs as the fast transport splits and joins them: --host and whole-URL paths (parse_url), a
// redirect's Location against the URL it answered (resolve_url), a task's path joined to the
// base (append_path) and its query parameters (append_query, append_escaped).
//
// Input: lines. The first is parsed as a URL (and is the base when it is one); the second is
// resolved against the base; every line is also a path to join and a parameter to encode.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/url/parse.hpp>

#include "http/session_core.h"
#include "http/url.h"

using namespace nest::host;

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "%s: '%.*s'\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// What a request line and a Host header may carry: no spaces, controls, or bytes over 0x7e.
bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Whatever parse_url and resolve_url return is a URL the fast transport can send: http(s), a
// host, a port, a target that starts with '/' and has no fragment; written out and parsed
// again, it is the same URL.
void check(const Url& url, std::string_view from) {
  if (url.origin.scheme != "http" && url.origin.scheme != "https") fail("scheme", from);
  if (url.origin.host.empty()) fail("empty host", from);
  if (url.origin.port == 0) fail("port 0", from);
  if (!url.target.starts_with('/')) fail("target without '/'", from);
  if (url.target.find('#') != std::string::npos) fail("fragment in the target", from);
  if (!printable(url.target)) fail("target a request line cannot carry", from);
  std::string host_header = url.origin.host_header();
  if (!printable(host_header)) fail("Host header that cannot be sent", from);
  std::string text = url.origin.scheme + "://" + host_header + url.target;
  auto again = parse_url(text);
  if (!again || again->origin != url.origin || again->target != url.target) {
    fail("written out and parsed again, another URL", from);
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes append_escaped, checking that it wrote only unreserved bytes and %XX.
std::string unescape(std::string_view escaped) {
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(escaped[i]);
    if (c == '%') {
      if (i + 2 >= escaped.size()) fail("cut %XX", escaped);
      int high = hex(escaped[i + 1]), low = hex(escaped[i + 2]);
      if (high < 0 || low < 0) fail("bad %XX", escaped);
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      fail("a reserved byte left unescaped", escaped);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= input.size() && lines.size() < 16;) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }

  // The whole input as one URL, then the first line as the base.
  if (auto url = parse_url(input)) check(*url, input);
  Url base{{"http", "h", 8080}, "/a/b/c?x=1"};
  if (auto url = parse_url(lines[0])) {
    check(*url, lines[0]);
    base = *url;
  }
  // A redirect's Location.
  std::string_view location = lines.size() > 1 ? lines[1] : lines[0];
  if (auto resolved = resolve_url(base, location)) {
    check(*resolved, location);
    // A reference with a path is merged and its dot segments removed (RFC 3986 5.2.2, 5.2.4):
    // no "." or ".." segment is left, not even above the root.
    auto ref = boost::urls::parse_uri_reference(location);
    if (ref && !ref->encoded_path().empty()) {
      std::string_view path = std::string_view(resolved->target).substr(0, resolved->target.find('?'));
      for (std::size_t at = 0; at != std::string_view::npos;) {
        std::size_t end = path.find('/', at + 1);
        std::string_view segment = path.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
        if (segment == "." || segment == "..") fail("a dot segment left by resolve_url", location);
        at = end;
      }
    }
  }

  // Paths joined to the base's path, and every line as a query parameter.
  std::string_view base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  if (base_path == "/") base_path = "";  // as --host "http://h" gives it: no trailing slash
  nest::Headers query;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string joined;
    append_path(joined, base_path, lines[i]);
    if (!joined.starts_with(base_path) || joined.size() < base_path.size() + lines[i].size() ||
        !joined.ends_with(lines[i])) {
      fail("append_path", lines[i]);
    }
    std::string escaped;
    append_escaped(escaped, lines[i]);
    if (unescape(escaped) != lines[i]) fail("append_escaped does not decode back", lines[i]);
    if (i % 2 == 1) query.emplace_back(std::string(lines[i - 1]), std::string(lines[i]));
  }
  if (lines.size() % 2 == 1) query.emplace_back(std::string(lines.back()), "");

  // The query, on the base's target: still a URL, whose parameters decode back to the input.
  std::string target = base.target;
  append_query(target, query);
  std::string text = base.origin.scheme + "://" + base.origin.host_header() + target;
  auto url = parse_url(text);
  if (!url) fail("append_query made an unparsable URL", text);
  check(*url, text);
  std::string_view added = std::string_view(target).substr(base.target.size());
  for (const auto& [key, value] : query) {
    if (added.empty() || (added[0] != '?' && added[0] != '&')) fail("append_query", text);
    added.remove_prefix(1);
    std::size_t equals = added.find('='), end = added.find('&');
    if (equals == std::string_view::npos || equals > end) fail("append_query pair", text);
    if (unescape(added.substr(0, equals)) != key) fail("append_query key", text);
    std::string_view v =
        added.substr(equals + 1, end == std::string_view::npos ? end : end - equals - 1);
    if (unescape(v) != value) fail("append_query value", text);
    added.remove_prefix(equals + 1 + v.size());
  }
  if (!added.empty()) fail("append_query left over", text);
  return 0;
}
