// The fast transport's parts on their own: URLs, query escaping, the cookie jar (RFC 6265).
#include <gtest/gtest.h>

#include "http/cookie_jar.h"
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
}

TEST(Url, EscapesAsCurlDoes) {
  std::string out;
  host::append_escaped(out, "a b&c/\xC3\xA9-._~");
  EXPECT_EQ(out, "a%20b%26c%2F%C3%A9-._~");
}

Origin origin(const std::string& url) { return parse_url(url)->origin; }

std::string cookies(const CookieJar& jar, const std::string& url, CookieJar::Clock::time_point now) {
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
  EXPECT_EQ(cookies(jar, "http://h/shopping", now), "root=2") << "/shop is not a prefix of /shopping";
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
  dated.set("later=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Max-Age=5", origin("http://h"), "/", now);
  EXPECT_EQ(cookies(dated, "http://h/", now + std::chrono::seconds(4)), "later=1");
  EXPECT_EQ(cookies(dated, "http://h/", now + std::chrono::seconds(6)), "") << "Max-Age wins";

  CookieJar secure;
  secure.set("token=1; Secure; HttpOnly", origin("https://h"), "/", now);
  EXPECT_EQ(cookies(secure, "http://h/", now), "") << "a Secure cookie never goes over http";
  EXPECT_EQ(cookies(secure, "https://h/", now), "token=1");
}

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
    EXPECT_EQ(inflater.decode(body), "") << bits;
    EXPECT_EQ(body, text) << bits;
    std::string cut = packed.substr(0, packed.size() / 2);
    EXPECT_NE(inflater.decode(cut), "") << "truncated data is an error, " << bits;
  }
  std::string garbage = "plainly not compressed";
  EXPECT_NE(inflater.decode(garbage), "");
  EXPECT_EQ(garbage, "plainly not compressed") << "left as it was";
  EXPECT_TRUE(host::decodable_encoding("GZIP"));
  EXPECT_FALSE(host::decodable_encoding("br"));
}

}  // namespace
}  // namespace nest::test
