// The fast transport's HTTP/1.1 response parsing, fed as a server would send it: the bytes
// arrive whole, in two reads split where the input says, or one byte a read; the connection
// closes after the last. Every way must parse alike. A response that parses then goes where
// FastSession sends it: its Set-Cookie headers to a cookie jar, a gzip/deflate body to the
// Inflater.
//
// Input: byte 0 = flags (1: a HEAD request's response; 2 and 4: --max-body 10 MiB, 64 bytes,
// 1 KiB or none; 8: one byte a read), bytes 1-2 = where to split (little-endian, modulo the
// length), then the server's bytes.
#include <nest/http.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/cookie_jar.h"
#include "http/http1_codec.h"
#include "http/inflater.h"
#include "http/response_pool.h"
#include "util/text.h"

using namespace nest::host;
using boost::system::error_code;

namespace {

struct Parsed {
  error_code ec;
  bool keep_alive = false;
  nest::Response response;
};

void parse(std::span<const std::string_view> reads, bool head, std::uint64_t max_body,
           Parsed& out) {
  ResponsePool::instance().prepare(out.response);  // as SessionCore::send does
  out.ec = parse_response(reads, out.response, head, max_body, out.keep_alive);
}

std::string describe(const Parsed& p) {
  std::string out = p.ec.category().name() + std::string(":") + std::to_string(p.ec.value()) +
                    " (" + p.ec.message() + ")";
  if (p.ec) return out;
  out += " status " + std::to_string(p.response.status) +
         (p.keep_alive ? " keep-alive" : " close") + ", " +
         std::to_string(p.response.headers.size()) + " headers, body of " +
         std::to_string(p.response.body.size());
  return out;
}

// As read_response's check (9 bytes of a SETTINGS or GOAWAY frame on stream 0).
bool http2_frame(std::string_view b) {
  return b.size() >= 9 && b[0] == 0 && (b[3] == 4 || b[3] == 7) && (b[5] & 0x7f) == 0 &&
         b[6] == 0 && b[7] == 0 && b[8] == 0;
}

bool same(const Parsed& whole, const Parsed& pieces, std::string_view bytes) {
  if (whole.ec != pieces.ec) {
    // Failing alike is enough: which error Beast 1.81 names depends on how the bytes came
    // (known, and Beast's). A bad header fails at once when its first bytes are all of it, but
    // once Beast has asked for more it waits for "\r\n\r\n" before it looks again (the read
    // ends when the server closes); and a chunk header retried after its extension asked for
    // more takes its size off the body limit again (body_limit). Only read_response's own
    // check, the HTTP/2 frame, must not depend on the reads.
    return whole.ec && pieces.ec && !http2_frame(bytes);
  }
  if (whole.ec) return true;  // what was filled in before an error may differ
  // Bytes after the response close the connection when they came in the same read; read
  // later, they are the next response's.
  if (whole.keep_alive && !pieces.keep_alive) return false;
  return whole.response.status == pieces.response.status &&
         whole.response.headers == pieces.response.headers &&
         whole.response.body == pieces.response.body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const unsigned flags = data[0];
  const bool head = flags & 1;
  static constexpr std::uint64_t kLimits[] = {10 << 20, 64, 1024,
                                              std::numeric_limits<std::uint64_t>::max()};
  const std::uint64_t max_body = kLimits[(flags >> 1) & 3];
  const bool byte_a_read = flags & 8;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 3, size - 3);
  const std::size_t split = (data[1] | (data[2] << 8)) % (bytes.size() + 1);

  Parsed whole;
  parse(std::span(&bytes, 1), head, max_body, whole);

  std::vector<std::string_view> reads;
  if (byte_a_read) {
    for (std::size_t i = 0; i < bytes.size(); ++i) reads.push_back(bytes.substr(i, 1));
  } else {
    reads = {bytes.substr(0, split), bytes.substr(split)};
  }
  Parsed pieces;
  parse(reads, head, max_body, pieces);
  if (!same(whole, pieces, bytes)) {
    std::fprintf(stderr, "whole: %s\nin %zu reads: %s\n", describe(whole).c_str(), reads.size(),
                 describe(pieces).c_str());
    std::abort();
  }
  if (whole.ec) return 0;

  const nest::Response& response = whole.response;
  if (response.body.size() > max_body) std::abort();
  if (head && !response.body.empty()) std::abort();
  if (response.status < 0 || response.status > 999) std::abort();

  // What FastSession::take_in does with it.
  CookieJar jar;
  Origin origin{"https", "shop.example.com", 443};
  const auto now = CookieJar::Clock::time_point(std::chrono::hours(24 * 365 * 54));
  for (const auto& [key, value] : response.headers) {
    if (iequals(key, "Set-Cookie")) jar.set(value, origin, "/cart/items", now);
  }
  std::string cookies;
  jar.append_header(cookies, origin, "/cart/items", now);
  if (cookies.size() > CookieJar::kMaxHeaderBytes) std::abort();

  static Inflater inflater;  // one per worker, reused
  if (decodable_encoding(response.header("Content-Encoding")) && !response.body.empty()) {
    std::string body = response.body;
    std::string error = inflater.decode(body, max_body);
    if (error.empty() ? body.size() > max_body : body != response.body) std::abort();
  }
  return 0;
}
