// Decodes gzip and deflate response bodies (zlib). One per worker: a body is decoded in one go,
// without suspending, so users of a thread can share it, and its ~40 KiB of zlib state exists
// once per thread, not once per user.
#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

namespace nest::host {

class Inflater {
 public:
  Inflater() = default;
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Replaces `body` (gzip, zlib or raw deflate data) with what it decodes to. Returns an
  // error text (and leaves `body` as it was) when it is not valid compressed data, or when it
  // decodes to more than `limit` bytes (--max-body: a small bomb must not take the memory).
  std::string decode(std::string& body, std::uint64_t limit);

 private:
  std::string run(std::string_view in, int window_bits, std::uint64_t limit, std::string& out);
  z_stream zs_{};
  bool ready_ = false;
  std::string out_;  // reused output buffer
};

// True for a Content-Encoding the fast transport decodes: gzip, x-gzip, deflate.
bool decodable_encoding(std::string_view content_encoding);

}  // namespace nest::host
