// The Inflater: gzip, zlib or raw deflate bodies from a server, decoded under a small
// --max-body. It decodes to at most the limit, or fails and leaves the body as it was; what it
// decodes is what zlib decodes in one go (the reference below), and a body that zlib decodes
// within the limit, it decodes.
//
// Input: byte 0 picks the limit (0..200 bytes, or 64 KiB above 200), then the encoded body.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/inflater.h"
#include "http/transport.h"

using namespace nest::host;

namespace {

// zlib on its own: all of `in` decoded with `window_bits`, up to 1 MiB; none unless the stream
// ends within that.
std::optional<std::string> reference(std::string_view in, int window_bits) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) std::abort();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= (1u << 20)) {
    char buffer[16384];
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::uint64_t limit = data[0] > 200 ? 64 << 10 : data[0];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  static Inflater inflater;  // one per worker, reused from body to body
  std::string body = input;
  std::string error = inflater.decode(body, limit);

  auto expected = reference(input, 15 + 32);        // gzip or zlib
  if (!expected) expected = reference(input, -15);  // raw deflate
  if (error.empty()) {
    if (body.size() > limit) std::abort();
    if (!expected || *expected != body) {
      std::fprintf(stderr, "decoded %zu bytes that zlib alone does not give\n", body.size());
      std::abort();
    }
  } else {
    if (body != input) std::abort();
    if (error != body_over_limit(limit) &&
        !error.starts_with("Error while processing content unencoding: ") &&
        error != "Unrecognized content encoding type") {
      std::abort();
    }
    if (expected && expected->size() <= limit) {
      std::fprintf(stderr, "zlib decodes it to %zu bytes, within the limit; decode said: %s\n",
                   expected->size(), error.c_str());
      std::abort();
    }
  }
  return 0;
}
