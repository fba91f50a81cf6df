#include "http/http1_codec.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>

#include "http/response_pool.h"
#include "util/text.h"

namespace nest::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// Whether `bytes` open as an HTTP/2 server's connection does: a frame header (24-bit length,
// type, flags, stream 0) of a SETTINGS (4) or GOAWAY (7) frame, where HTTP/1.1 has "HTTP/".
bool looks_like_http2(asio::const_buffer buffer) {
  const auto* bytes = static_cast<const unsigned char*>(buffer.data());
  if (buffer.size() < 9 || bytes[0] != 0 || (bytes[3] != 4 && bytes[3] != 7)) return false;
  return (bytes[5] & 0x7f) == 0 && bytes[6] == 0 && bytes[7] == 0 && bytes[8] == 0;
}

// Fills a nest::Response straight from Beast's parser.
class ResponseParser final : public http::basic_parser<false> {
 public:
  explicit ResponseParser(nest::Response& response) : response_(response) {}

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, error_code&) override {
    response_.status = code;
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    ResponsePool::instance().add_header(response_, name, value);
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length && *length < (64u << 20)) response_.body.reserve(*length);
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    response_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    response_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  nest::Response& response_;
};

}  // namespace

bool has_header(const nest::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return true;
  }
  return false;
}

void build_request(std::string& out, std::string_view method, const Url& url, std::string_view body,
                   const nest::Headers& headers, const CookieJar& jar) {
  out.clear();
  out.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  if (!has_header(headers, "Host"))
    out.append("Host: ").append(url.origin.host_header()).append("\r\n");
  if (!has_header(headers, "User-Agent"))
    out.append("User-Agent: nest/" NEST_VERSION " (fast)\r\n");
  if (!has_header(headers, "Accept")) out.append("Accept: */*\r\n");
  std::size_t mark = out.size();
  out.append("Cookie: ");
  std::size_t cookies_at = out.size();
  auto query = url.target.find('?');
  jar.append_header(out, url.origin, std::string_view(url.target).substr(0, query));
  if (out.size() == cookies_at)
    out.resize(mark);
  else
    out.append("\r\n");
  bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (has_body) {
    // As curl with CURLOPT_POSTFIELDS: a form, unless the task says otherwise.
    if (!has_header(headers, "Content-Type")) {
      out.append("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  for (const auto& [key, value] : headers)
    out.append(key).append(": ").append(value).append("\r\n");
  out.append("\r\n");
  out.append(body);
}

namespace {

// Parses one response from `in`, calling `read_some()` (which appends what arrives next to `in`,
// or says why nothing will) whenever the parser needs more: read_response's loop, and
// parse_response's over bytes in memory. Leaves in `in` what follows the response.
template <typename ReadSome>
error_code parse_from(beast::flat_buffer& in, ReadSome&& read_some, nest::Response& response,
                      bool head, std::uint64_t max_body, bool& received, bool& keep_alive) {
  ResponseParser parser(response);
  if (max_body == std::numeric_limits<std::uint64_t>::max()) {
    parser.body_limit(boost::none);
  } else {
    parser.body_limit(max_body);
  }
  parser.header_limit(64 * 1024);
  parser.eager(true);
  if (head) parser.skip(true);
  bool parsed_any = false;  // the parser took bytes (it takes none until a whole status line)
  while (true) {
    if (in.size() > 0) {
      // An HTTP/2-only server answers with frames, never "HTTP/": describe_failure() names it.
      // Checked until the parser takes bytes, as the frame's 9 bytes may come in two reads.
      if (!parsed_any && looks_like_http2(in.data())) return http::error::bad_version;
      error_code ec;
      std::size_t used = parser.put(in.data(), ec);
      in.consume(used);
      parsed_any = parsed_any || used > 0;
      if (parser.is_done()) break;
      if (ec && ec != http::error::need_more) return ec;
      if (used > 0 && in.size() > 0) continue;
    }
    error_code ec = read_some();
    if (!ec) {
      received = true;
      continue;
    }
    if (ec == asio::error::eof && parser.got_some() && parser.need_eof()) {
      parser.put_eof(ec);  // a body that ends with the connection
      if (!ec && parser.is_done()) break;
    }
    return ec;
  }
  keep_alive = parser.keep_alive() && in.size() == 0;
  if (in.capacity() > 64 * 1024) in.shrink_to_fit();  // a big reply does not stay resident
  return {};
}

}  // namespace

error_code read_response(FastConnection& connection, nest::Response& response, bool head,
                         std::uint64_t max_body, bool& received, bool& keep_alive) {
  return parse_from(
      connection.in(), [&] { return connection.read_some(); }, response, head, max_body, received,
      keep_alive);
}

error_code parse_response(std::span<const std::string_view> reads, nest::Response& response,
                          bool head, std::uint64_t max_body, bool& keep_alive) {
  beast::flat_buffer in;
  std::size_t next = 0;
  auto read_some = [&]() -> error_code {
    while (next < reads.size() && reads[next].empty()) ++next;  // a socket read is never empty
    if (next == reads.size()) return asio::error::eof;          // the server closed
    std::string_view bytes = reads[next++];
    in.commit(asio::buffer_copy(in.prepare(bytes.size()), asio::buffer(bytes)));
    return {};
  };
  bool received = false;
  return parse_from(in, read_some, response, head, max_body, received, keep_alive);
}

error_code parse_response(std::string_view bytes, nest::Response& response, bool head,
                          std::uint64_t max_body, bool& keep_alive) {
  return parse_response(std::span(&bytes, 1), response, head, max_body, keep_alive);
}

std::string describe_failure(error_code ec, bool received, const FastConnection& connection) {
  if (ec == http::error::bad_version && looks_like_http2(connection.in().data())) {
    return "Weird server reply (HTTP/2 frames: the server speaks HTTP/2 only, without TLS); "
           "the fast transport speaks HTTP/1.1";
  }
  if (ec == asio::error::eof) {
    return received ? kPartialFile : "Server returned nothing (no headers, no data)";
  }
  if (ec == http::error::bad_version || ec == http::error::bad_status ||
      ec == http::error::bad_reason) {
    return kNotHttp1;
  }
  if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension) return kBadChunks;
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return "Weird server reply (" + ec.message() + ")";
  }
  return "Failure when receiving data from the peer (" + ec.message() + ")";
}

}  // namespace nest::host
