// The cookie jar as a server fills it: Set-Cookie values (Domain, Path, Max-Age, Expires,
// Secure) received for a request, then the Cookie header sent to a few places, now and later.
//
// Input: lines. A first line that is an http(s) URL is the request the cookies answer (else
// https://shop.example.com/cart/items); every other line is one Set-Cookie value.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/cookie_jar.h"
#include "http/url.h"

using namespace nest::host;

namespace {

void check_header(const CookieJar& jar, const Origin& origin, std::string_view path,
                  CookieJar::Clock::time_point now) {
  std::string out = "Cookie: ";
  const std::size_t start = out.size();
  jar.append_header(out, origin, path, now);
  if (out.size() - start > CookieJar::kMaxHeaderBytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  Url request{{"https", "shop.example.com", 443}, "/cart/items"};
  std::size_t first = 0;
  if (!lines.empty()) {
    if (auto url = parse_url(lines[0])) {
      request = *url;
      first = 1;
    }
  }
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));

  // A fixed clock (2024-01-01), so that a crash reproduces.
  const CookieJar::Clock::time_point now{std::chrono::seconds(1704067200)};
  CookieJar jar;
  for (std::size_t i = first; i < lines.size(); ++i) {
    jar.set(lines[i], request.origin, path, now);
    if (jar.size() > CookieJar::kMaxCookies) std::abort();
  }
  Origin plain = request.origin;
  plain.scheme = "http";
  Origin parent = request.origin;
  if (auto dot = parent.host.find('.'); dot != std::string::npos) parent.host.erase(0, dot + 1);
  Origin child = request.origin;
  child.host = "www." + child.host;
  for (auto later : {std::chrono::seconds(0), std::chrono::seconds(3600),
                     std::chrono::seconds(86400LL * 365 * 100)}) {
    check_header(jar, request.origin, path, now + later);
    check_header(jar, request.origin, "/", now + later);
    check_header(jar, plain, path, now + later);
    check_header(jar, parent, "/", now + later);
    check_header(jar, child, path, now + later);
  }
  // And again, after the jar took a second round of the same (replacing, expiring).
  for (std::size_t i = first; i < lines.size(); ++i) {
    jar.set(lines[i], request.origin, path, now + std::chrono::seconds(60));
  }
  check_header(jar, request.origin, path, now + std::chrono::seconds(60));
  return 0;
}
