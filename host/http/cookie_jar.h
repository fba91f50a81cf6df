// One user's cookies, as a browser keeps them (RFC 6265, the essentials): Domain (host-only
// unless given), Path (default: the request's directory), Max-Age over Expires, Secure.
// HttpOnly and SameSite change nothing for a client that runs no scripts and has one site.
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

 private:
  struct Cookie {
    std::string name, value, domain, path;
    bool host_only = true;
    bool secure = false;
    std::optional<Clock::time_point> expires;
  };
  std::vector<Cookie> cookies_;
};

}  // namespace nest::host
