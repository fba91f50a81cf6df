// One user's cookies, as a browser keeps them (RFC 6265, the essentials): Domain (host-only
// unless given), Path (default: the request's directory), Max-Age over Expires, Secure.
// HttpOnly and SameSite change nothing for a client that runs no scripts and has one site.
//
// Limits, so a server that floods Set-Cookie costs neither memory nor huge requests: RFC 6265
// 6.1's (and browsers'): a cookie over 4096 bytes (name and value) is ignored; a domain keeps
// 50 cookies and the jar 3000, the oldest going first to make room; and, as curl, a Cookie
// header stops at 8190 bytes (the cookies that would make it longer are not sent).
//
// Thread-safety: none; one jar per user.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/url.h"

namespace nest::host {

class CookieJar {
 public:
  using Clock = std::chrono::system_clock;

  // Takes one Set-Cookie header value received from `origin` for `request_path` (the target
  // without its query). A cookie the origin may not set (Domain of another site) is ignored;
  // an expired one removes the stored cookie of that name, domain and path.
  void set(std::string_view header, const Origin& origin, std::string_view request_path,
           Clock::time_point now = Clock::now());

  // Appends "a=1; b=2" for the cookies to send to `origin` + `path` (longest paths first).
  // Appends nothing when there are none.
  void append_header(std::string& out, const Origin& origin, std::string_view path,
                     Clock::time_point now = Clock::now()) const;

  std::size_t size() const { return cookies_.size(); }

  static constexpr std::size_t kMaxCookieBytes = 4096;
  static constexpr std::size_t kMaxPerDomain = 50;
  static constexpr std::size_t kMaxCookies = 3000;
  static constexpr std::size_t kMaxHeaderBytes = 8190;

 private:
  struct Cookie {
    std::string name, value, domain, path;
    bool host_only = true;
    bool secure = false;
    std::optional<Clock::time_point> expires;
  };
  // Drops expired cookies, then the oldest of `domain` or of the jar, to make room for one.
  void make_room(const std::string& domain, Clock::time_point now);
  std::vector<Cookie> cookies_;  // oldest first
};

}  // namespace nest::host
