#include "http/inflater.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "http/transport.h"

namespace nest::host {

Inflater::~Inflater() {
  if (ready_) inflateEnd(&zs_);
}

bool decodable_encoding(std::string_view encoding) {
  std::string lower(encoding);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "gzip" || lower == "x-gzip" || lower == "deflate";
}

// Inflates all of `in` into `out` with the given zlib window bits; empty text on success.
std::string Inflater::run(std::string_view in, int window_bits, std::uint64_t limit,
                          std::string& out) {
  int rc = ready_ ? inflateReset2(&zs_, window_bits) : inflateInit2(&zs_, window_bits);
  if (rc != Z_OK) return "Unrecognized content encoding type";
  ready_ = true;
  out.clear();
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs_.avail_in = static_cast<uInt>(in.size());
  do {
    std::size_t used = out.size();
    if (used > limit) {
      out.clear();
      out.shrink_to_fit();
      return body_over_limit(limit);
    }
    // Grows by doubling, to one byte over the limit at most (which tells it was passed).
    std::uint64_t grown = std::max<std::uint64_t>(used * 2, in.size() * 4 + 256);
    std::uint64_t cap = limit < std::numeric_limits<std::uint64_t>::max() ? limit + 1 : limit;
    out.resize(static_cast<std::size_t>(std::min(grown, cap)));
    zs_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs_.avail_out = static_cast<uInt>(out.size() - used);
    rc = inflate(&zs_, Z_NO_FLUSH);
    out.resize(out.size() - zs_.avail_out);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return "Error while processing content unencoding: " +
             std::string(zs_.msg ? zs_.msg : "invalid data");
    }
    if (rc == Z_BUF_ERROR && zs_.avail_in == 0) break;  // truncated input
  } while (rc != Z_STREAM_END);
  if (rc != Z_STREAM_END) return "Error while processing content unencoding: truncated data";
  if (out.size() > limit) return body_over_limit(limit);
  return {};
}

std::string Inflater::decode(std::string& body, std::uint64_t limit) {
  // 15 + 32: gzip or zlib, told apart by their headers; some servers send raw deflate (-15).
  std::string error = run(body, 15 + 32, limit, out_);
  if (!error.empty() && error != body_over_limit(limit)) {
    std::string raw = run(body, -15, limit, out_);
    if (raw.empty() || raw == body_over_limit(limit)) error = raw;
  }
  if (!error.empty()) return error;
  body.swap(out_);
  return {};
}

}  // namespace nest::host
