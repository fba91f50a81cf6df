#include "http/cookie_jar.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "util/text.h"

namespace nest::host {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 6265 5.1.3.
bool domain_matches(std::string_view host, std::string_view domain) {
  if (iequals(host, domain)) return true;
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         iequals(host.substr(host.size() - domain.size()), domain) &&
         host.find_first_not_of("0123456789.") != std::string_view::npos;  // not an IP address
}

// RFC 6265 5.1.4.
bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (!request_path.starts_with(cookie_path)) return false;
  return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
         request_path[cookie_path.size()] == '/';
}

std::string default_path(std::string_view request_path) {
  if (!request_path.starts_with('/')) return "/";
  auto last = request_path.rfind('/');
  return last == 0 ? "/" : std::string(request_path.substr(0, last));
}

using Clock = CookieJar::Clock;

// Seconds since the epoch as a time point; past what the clock holds (about 1677 to 2262 with
// nanoseconds), its first or last moment: a cookie "for ever" does not overflow it.
Clock::time_point at_seconds(long long seconds) {
  constexpr long long kLimit =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count();
  if (seconds >= kLimit) return Clock::time_point::max();
  if (seconds <= -kLimit) return Clock::time_point::min();
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds)));
}

// "Wed, 21 Oct 2026 07:28:00 GMT" (and the same with dashes; a two-digit year is 1970 to
// 2069, as RFC 6265 5.1.1 says); none when unreadable or before 1601.
std::optional<Clock::time_point> parse_http_date(const std::string& text) {
  std::tm tm{};
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S"}) {
    tm = {};
    if (!strptime(text.c_str(), format, &tm)) continue;
    int year = tm.tm_year + 1900;
    if (year >= 0 && year <= 69) year += 2000;
    if (year >= 70 && year <= 99) year += 1900;
    if (year < 1601) return std::nullopt;
    tm.tm_year = year - 1900;
    return at_seconds(timegm(&tm));
  }
  return std::nullopt;
}

}  // namespace

void CookieJar::set(std::string_view header, const Origin& origin, std::string_view request_path,
                    Clock::time_point now) {
  auto semicolon = header.find(';');
  std::string_view pair = header.substr(0, semicolon);
  auto equals = pair.find('=');
  if (equals == std::string_view::npos) return;
  Cookie c;
  c.name = trim(pair.substr(0, equals));
  c.value = trim(pair.substr(equals + 1));
  if (c.name.empty() || c.name.size() + c.value.size() > kMaxCookieBytes) return;
  c.domain = lower(origin.host);
  c.path = default_path(request_path);
  std::optional<Clock::time_point> max_age, expires;
  while (semicolon != std::string_view::npos) {
    header.remove_prefix(semicolon + 1);
    semicolon = header.find(';');
    std::string_view attribute = header.substr(0, semicolon);
    auto eq = attribute.find('=');
    std::string key = trim(attribute.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : trim(attribute.substr(eq + 1));
    if (iequals(key, "domain") && !value.empty()) {
      if (value.front() == '.') value.erase(0, 1);
      if (!domain_matches(origin.host, value)) return;  // another site's cookie: ignored
      c.domain = lower(value);
      c.host_only = false;
    } else if (iequals(key, "path") && value.starts_with('/')) {
      c.path = value;
    } else if (iequals(key, "max-age")) {
      long long seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc() && end == value.data() + value.size()) {
        // Past the clock's last moment (Max-Age=99999999999): that moment.
        auto left = Clock::time_point::max() - now;
        max_age = seconds <= 0 ? Clock::time_point::min()
                  : seconds >= std::chrono::duration_cast<std::chrono::seconds>(left).count()
                      ? Clock::time_point::max()
                      : now + std::chrono::seconds(seconds);
      }
    } else if (iequals(key, "expires")) {
      expires = parse_http_date(value);
    } else if (iequals(key, "secure")) {
      c.secure = true;
    }
  }
  c.expires = max_age ? max_age : expires;
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  bool expired = c.expires && *c.expires <= now;
  if (same != cookies_.end()) {
    if (expired)
      cookies_.erase(same);
    else
      *same = std::move(c);
  } else if (!expired) {
    make_room(c.domain, now);
    cookies_.push_back(std::move(c));
  }
}

void CookieJar::make_room(const std::string& domain, Clock::time_point now) {
  auto in_domain = [&] {
    return std::count_if(cookies_.begin(), cookies_.end(),
                         [&](const Cookie& c) { return c.domain == domain; });
  };
  if (static_cast<std::size_t>(in_domain()) < kMaxPerDomain && cookies_.size() < kMaxCookies) {
    return;
  }
  std::erase_if(cookies_, [&](const Cookie& c) { return c.expires && *c.expires <= now; });
  if (static_cast<std::size_t>(in_domain()) >= kMaxPerDomain) {
    cookies_.erase(std::find_if(cookies_.begin(), cookies_.end(),
                                [&](const Cookie& c) { return c.domain == domain; }));
  }
  if (cookies_.size() >= kMaxCookies) cookies_.erase(cookies_.begin());
}

void CookieJar::append_header(std::string& out, const Origin& origin, std::string_view path,
                              Clock::time_point now) const {
  // Longest path first (RFC 6265 5.4); a handful of cookies, so no sorted copy is kept.
  const std::size_t start = out.size();
  std::size_t longest = SIZE_MAX;
  bool first = true;
  while (true) {
    std::size_t next = 0;
    bool any = false;
    for (const Cookie& c : cookies_) {
      if (c.path.size() < longest && c.path.size() >= next) {
        next = c.path.size();
        any = true;
      }
    }
    if (!any) break;
    for (const Cookie& c : cookies_) {
      if (c.path.size() != next) continue;
      if (c.expires && *c.expires <= now) continue;
      if (c.secure && origin.scheme != "https") continue;
      if (c.host_only ? !iequals(origin.host, c.domain) : !domain_matches(origin.host, c.domain))
        continue;
      if (!path_matches(path, c.path)) continue;
      std::size_t adds = (first ? 0 : 2) + c.name.size() + 1 + c.value.size();
      if (out.size() - start + adds > kMaxHeaderBytes) continue;
      if (!first) out += "; ";
      out.append(c.name).append("=").append(c.value);
      first = false;
    }
    if (next == 0) break;
    longest = next;
  }
}

}  // namespace nest::host
