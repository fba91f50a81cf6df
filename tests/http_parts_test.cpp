// The fast transport's parts on their own: URLs, query escaping, the cookie jar (RFC 6265).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <limits>
#include <string_view>
#include <vector>

#include "http/cookie_jar.h"
#include "http/http1_codec.h"
#include "http/inflater.h"
#include "http/url.h"

namespace nest::test {
namespace {

using host::CookieJar;
using host::Origin;
using host::parse_url;

TEST(Url, SplitsOriginAndTarget) {
  auto u = parse_url("http://Example.com:8080/a/b?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin.scheme, "http");
  EXPECT_EQ(u->origin.host, "Example.com");
  EXPECT_EQ(u->origin.port, 8080);
  EXPECT_EQ(u->target, "/a/b?x=1");
  EXPECT_EQ(u->origin.host_header(), "Example.com:8080");

  auto plain = parse_url("HTTPS://host");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->origin.scheme, "https");
  EXPECT_EQ(plain->origin.port, 443);
  EXPECT_EQ(plain->target, "/");
  EXPECT_EQ(plain->origin.host_header(), "host");

  auto v6 = parse_url("http://[::1]:9000?q");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->origin.host, "::1");
  EXPECT_EQ(v6->target, "/?q");
  EXPECT_EQ(v6->origin.host_header(), "[::1]:9000");

  EXPECT_FALSE(parse_url("ftp://x/"));
  EXPECT_FALSE(parse_url("http://:80/"));
  EXPECT_FALSE(parse_url("http://x:99999/"));
  EXPECT_FALSE(parse_url("/relative"));
  EXPECT_FALSE(parse_url("http://x/a b")) << "a space is not in a URL";
  EXPECT_FALSE(parse_url("http://[::1/")) << "an unclosed IPv6 literal";

  auto user = parse_url("http://me:secret@h:81/p");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->origin.host, "h");
  EXPECT_EQ(user->origin.port, 81);
  EXPECT_EQ(user->target, "/p");
}

TEST(Url, RedirectLocationsResolveAsRfc3986Says) {
  auto base = *parse_url("http://h:8080/a/b/c?x=1");
  auto to = [&](const char* location) {
    auto u = host::resolve_url(base, location);
    return u ? u->origin.scheme + "://" + u->origin.host_header() + u->target : "(none)";
  };
  EXPECT_EQ(to("/x"), "http://h:8080/x");
  EXPECT_EQ(to("d"), "http://h:8080/a/b/d");
  EXPECT_EQ(to("../d?y=2"), "http://h:8080/a/d?y=2");
  EXPECT_EQ(to("?y=2"), "http://h:8080/a/b/c?y=2");
  EXPECT_EQ(to("//other/z"), "http://other/z") << "protocol-relative: another host";
  EXPECT_EQ(to("https://s/t#f"), "https://s/t");
  EXPECT_EQ(to("ftp://s/t"), "(none)");
  EXPECT_EQ(to("a b"), "(none)");
  // RFC 3986 5.4.2's abnormal examples: ".." above the root goes no further (Boost 1.81 kept
  // it: "/../g").
  EXPECT_EQ(to("../../../g"), "http://h:8080/g");
  EXPECT_EQ(to("../../../../g"), "http://h:8080/g");
  EXPECT_EQ(to("../../../.."), "http://h:8080/");
  EXPECT_EQ(to("../../.."), "http://h:8080/");
  EXPECT_EQ(to("../../..?q"), "http://h:8080/?q");
  EXPECT_EQ(to("../../../../"), "http://h:8080/");
  EXPECT_EQ(to("/./../g"), "http://h:8080/g");
  EXPECT_EQ(to("/../..//g?y"), "http://h:8080//g?y") << "an empty segment stays: not a host";
}

// Found by tests/fuzz/fuzz_url: both made a Url the fast transport could not send as it was.
TEST(Url, RefusesWhatBoostAcceptsButNoRequestCanCarry) {
  EXPECT_FALSE(parse_url("http://h:8o80/x")) << "Boost 1.81 read port 8 and path 'o80/x'";
  EXPECT_FALSE(parse_url("http://a%0D%0AX-Injected:%201/")) << "CR LF would end the Host header";
  EXPECT_FALSE(parse_url("http://127.0.0.1%00.evil/")) << "the resolver would stop at the NUL";
  EXPECT_FALSE(parse_url("http://a%2Fb/")) << "written out, another URL";
  EXPECT_FALSE(parse_url("http://%3127.0.0.1rt//x")) << "Boost 1.81 reads 127.0.0.1rt back as an "
                                                       "address and a path";
  auto base = *parse_url("http://h/a");
  EXPECT_FALSE(host::resolve_url(base, "http://%0D%0Aevil/")) << "nor from a redirect";
  auto decoded = parse_url("http://www%2droot.example.com/");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->origin.host, "www-root.example.com");
}

TEST(Url, EscapesAsCurlDoes) {
  std::string out;
  host::append_escaped(out, "a b&c/\xC3\xA9-._~");
  EXPECT_EQ(out, "a%20b%26c%2F%C3%A9-._~");
}

Origin origin(const std::string& url) { return parse_url(url)->origin; }

std::string cookies(const CookieJar& jar, const std::string& url,
                    CookieJar::Clock::time_point now) {
  auto u = parse_url(url);
  std::string out;
  jar.append_header(out, u->origin, u->target.substr(0, u->target.find('?')), now);
  return out;
}

TEST(CookieJar, DomainAndHostOnly) {
  auto now = CookieJar::Clock::now();
  CookieJar jar;
  jar.set("host=1", origin("http://shop.example.com"), "/", now);
  jar.set("wide=2; Domain=.example.com", origin("http://shop.example.com"), "/", now);
  jar.set("evil=3; Domain=other.com", origin("http://shop.example.com"), "/", now);
  EXPECT_EQ(jar.size(), 2u) << "another site's cookie is ignored";
  EXPECT_EQ(cookies(jar, "http://shop.example.com/", now), "host=1; wide=2");
  EXPECT_EQ(cookies(jar, "http://api.example.com/", now), "wide=2") << "host-only stays home";
  EXPECT_EQ(cookies(jar, "http://example.org/", now), "");
}

TEST(CookieJar, PathDefaultAndMatching) {
  auto now = CookieJar::Clock::now();
  CookieJar jar;
  jar.set("dir=1", origin("http://h"), "/shop/cart", now);  // default path: /shop
  jar.set("root=2; Path=/", origin("http://h"), "/shop/cart", now);
  EXPECT_EQ(cookies(jar, "http://h/shop/cart?x=1", now), "dir=1; root=2") << "longest path first";
  EXPECT_EQ(cookies(jar, "http://h/shop", now), "dir=1; root=2");
  EXPECT_EQ(cookies(jar, "http://h/shopping", now), "root=2")
      << "/shop is not a prefix of /shopping";
  EXPECT_EQ(cookies(jar, "http://h/", now), "root=2");
}

TEST(CookieJar, ExpiryReplacementAndSecure) {
  auto now = CookieJar::Clock::now();
  CookieJar jar;
  jar.set("session=1; Path=/", origin("http://h"), "/", now);
  jar.set("session=2; Path=/", origin("http://h"), "/", now);
  EXPECT_EQ(cookies(jar, "http://h/", now), "session=2") << "same name, domain, path: replaced";
  jar.set("session=; Path=/; Max-Age=0", origin("http://h"), "/", now);
  EXPECT_EQ(jar.size(), 0u) << "Max-Age=0 removes it (a logout)";

  jar.set("short=1; Max-Age=10", origin("http://h"), "/", now);
  EXPECT_EQ(cookies(jar, "http://h/", now + std::chrono::seconds(9)), "short=1");
  EXPECT_EQ(cookies(jar, "http://h/", now + std::chrono::seconds(11)), "");

  CookieJar dated;
  dated.set("old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", origin("http://h"), "/", now);
  EXPECT_EQ(cookies(dated, "http://h/", now), "") << "an Expires in the past";
  dated.set("later=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Max-Age=5", origin("http://h"), "/",
            now);
  EXPECT_EQ(cookies(dated, "http://h/", now + std::chrono::seconds(4)), "later=1");
  EXPECT_EQ(cookies(dated, "http://h/", now + std::chrono::seconds(6)), "") << "Max-Age wins";

  CookieJar years;  // found by tests/fuzz/fuzz_cookie: these overflowed the clock (UB)
  const CookieJar::Clock::time_point y2024{std::chrono::seconds(1704067200)};
  years.set("forever=1; Max-Age=99999999999", origin("http://h"), "/", y2024);
  years.set("y9999=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", origin("http://h"), "/", y2024);
  years.set("ancient=1; Expires=Mon, 01 Jan 1000 00:00:00 GMT", origin("http://h"), "/", y2024);
  years.set("y94=1; Expires=Sunday, 06-Nov-94 08:49:37 GMT", origin("http://h"), "/", y2024);
  years.set("y37=1; Expires=Thu, 01-Jan-37 00:00:00 GMT", origin("http://h"), "/", y2024);
  EXPECT_EQ(cookies(years, "http://h/", y2024 + std::chrono::hours(24 * 365 * 200)),
            "forever=1; y9999=1; ancient=1")
      << "past the clock's end: its last moment; before 1601: no date (a session cookie)";
  EXPECT_EQ(cookies(years, "http://h/", y2024), "forever=1; y9999=1; ancient=1; y37=1")
      << "a two-digit year is 1970 to 2069 (RFC 6265 5.1.1): 94 is 1994, 37 is 2037";

  CookieJar secure;
  secure.set("token=1; Secure; HttpOnly", origin("https://h"), "/", now);
  EXPECT_EQ(cookies(secure, "http://h/", now), "") << "a Secure cookie never goes over http";
  EXPECT_EQ(cookies(secure, "https://h/", now), "token=1");
}

TEST(CookieJar, AFloodOfSetCookieIsBoundedAsBrowsersAndCurlBoundIt) {
  auto now = CookieJar::Clock::now();
  CookieJar jar;
  // 200 distinct cookies from one site: it keeps the newest 50.
  for (int i = 0; i < 200; ++i) {
    jar.set("c" + std::to_string(i) + "=" + std::string(100, 'v'), origin("http://h"), "/", now);
  }
  EXPECT_EQ(jar.size(), CookieJar::kMaxPerDomain);
  std::string sent = cookies(jar, "http://h/", now);
  EXPECT_EQ(sent.find("c149="), std::string::npos) << "the oldest went first";
  EXPECT_NE(sent.find("c150="), std::string::npos);
  EXPECT_NE(sent.find("c199="), std::string::npos);
  // A cookie over 4096 bytes is ignored.
  CookieJar big;
  big.set("huge=" + std::string(CookieJar::kMaxCookieBytes, 'x'), origin("http://h"), "/", now);
  EXPECT_EQ(big.size(), 0u);
  // 50 cookies of 4000 bytes: the Cookie header stops at 8190 bytes, whole cookies only.
  CookieJar wide;
  for (int i = 0; i < 50; ++i) {
    wide.set("w" + std::to_string(i) + "=" + std::string(4000, 'v'), origin("http://h"), "/", now);
  }
  EXPECT_EQ(wide.size(), 50u);
  std::string header = cookies(wide, "http://h/", now);
  EXPECT_LE(header.size(), CookieJar::kMaxHeaderBytes);
  EXPECT_EQ(std::count(header.begin(), header.end(), '='), 2) << "two whole cookies fit";
  // Many sites (a domain each): the jar keeps 3000 at most.
  CookieJar many;
  for (int i = 0; i < 3100; ++i) {
    many.set("s=1; Domain=d" + std::to_string(i) + ".h",
             origin("http://x.d" + std::to_string(i) + ".h"), "/", now);
  }
  EXPECT_EQ(many.size(), CookieJar::kMaxCookies);
}

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();

TEST(Inflater, DecodesGzipZlibAndRawDeflateAndRefusesGarbage) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + "\n";
  host::Inflater inflater;
  for (int bits : {15 + 16, 15, -15}) {  // gzip, zlib, raw deflate
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY);
    std::string packed(deflateBound(&zs, static_cast<uLong>(text.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(text.data());
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(packed.data());
    zs.avail_out = static_cast<uInt>(packed.size());
    deflate(&zs, Z_FINISH);
    packed.resize(zs.total_out);
    deflateEnd(&zs);
    std::string body = packed;
    EXPECT_EQ(inflater.decode(body, kNoLimit), "") << bits;
    EXPECT_EQ(body, text) << bits;
    std::string cut = packed.substr(0, packed.size() / 2);
    EXPECT_NE(inflater.decode(cut, kNoLimit), "") << "truncated data is an error, " << bits;
    body = packed;  // a small body that decodes to more than --max-body: refused, not kept
    ASSERT_GT(text.size(), 500u);
    EXPECT_EQ(inflater.decode(body, 500), "response body over --max-body (500 bytes)") << bits;
    EXPECT_EQ(body, packed) << bits;
  }
  std::string garbage = "plainly not compressed";
  EXPECT_NE(inflater.decode(garbage, kNoLimit), "");
  EXPECT_EQ(garbage, "plainly not compressed") << "left as it was";
  EXPECT_TRUE(host::decodable_encoding("GZIP"));
  EXPECT_FALSE(host::decodable_encoding("br"));
}

// The fast transport's response parsing (read_response's loop) over bytes in memory.
TEST(Http1, AResponseParsesAlikeInOneReadOrOneByteAtATime) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\n\r\n"
      "5\r\nHello\r\n0\r\n\r\n";
  nest::Response whole;
  bool keep_alive = false;
  EXPECT_FALSE(host::parse_response(bytes, whole, false, kNoLimit, keep_alive));
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, "Hello");
  EXPECT_EQ(whole.header("set-cookie"), "a=1");
  EXPECT_TRUE(keep_alive);

  std::vector<std::string_view> reads;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    reads.push_back(std::string_view(bytes).substr(i, 1));
  nest::Response pieces;
  keep_alive = false;
  EXPECT_FALSE(host::parse_response(reads, pieces, false, kNoLimit, keep_alive));
  EXPECT_EQ(pieces.status, 200);
  EXPECT_EQ(pieces.body, "Hello");
  EXPECT_EQ(pieces.headers, whole.headers);
  EXPECT_TRUE(keep_alive);

  nest::Response over;
  EXPECT_EQ(host::parse_response(bytes, over, false, 4, keep_alive),
            boost::beast::http::error::body_limit);

  // An HTTP/2-only server's SETTINGS frame is named even when its first 9 bytes come in two
  // reads (found by tests/fuzz/fuzz_http1: the second read was parsed as HTTP/1.1).
  const std::string frame("\0\0\x06\x04\0\0\0\0\0\0\x03\0\0\0\x64", 15);
  std::vector<std::string_view> split{std::string_view(frame).substr(0, 4),
                                      std::string_view(frame).substr(4)};
  nest::Response h2;
  EXPECT_EQ(host::parse_response(split, h2, false, kNoLimit, keep_alive),
            boost::beast::http::error::bad_version);
}

}  // namespace
}  // namespace nest::test
