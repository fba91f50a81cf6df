// HTTP/1.1 on the wire, for the fast transport: a request's bytes, and a response parsed by
// Beast straight into a nest::Response (no intermediate message object). Failures are named in
// curl's words, so the rows of both transports group alike.
#pragma once

#include <nest/http.h>

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "http/cookie_jar.h"
#include "http/fast_connection.h"
#include "http/url.h"

namespace nest::host {

// Replaces `out` with the request line, headers (Host, User-Agent, Accept unless the task set
// them; the jar's cookies for `url`; Content-Type and Content-Length for a body; the task's
// `headers`) and `body`.
void build_request(std::string& out, std::string_view method, const Url& url, std::string_view body,
                   const nest::Headers& headers, const CookieJar& jar);

// Reads one response from `connection` into `response` (status, headers, body; a HEAD's has no
// body). A body over `max_body` bytes (by its Content-Length, or as it arrives) ends the read
// with http::error::body_limit. `received` tells whether any byte of it arrived; `keep_alive`
// whether the connection may carry the next request.
boost::system::error_code read_response(FastConnection& connection, nest::Response& response,
                                        bool head, std::uint64_t max_body, bool& received,
                                        bool& keep_alive);

// Parses one response with read_response's code, from bytes in memory instead of a socket:
// `reads` are what successive reads would deliver, then the server closes (asio::error::eof).
// The same reads give read_response's result and error; `keep_alive` is false when bytes
// follow the response. For tests and fuzzing.
boost::system::error_code parse_response(std::span<const std::string_view> reads,
                                         nest::Response& response, bool head,
                                         std::uint64_t max_body, bool& keep_alive);
boost::system::error_code parse_response(std::string_view bytes, nest::Response& response,
                                         bool head, std::uint64_t max_body, bool& keep_alive);

// Why an exchange failed, as curl says it; `received` as read_response set it.
std::string describe_failure(boost::system::error_code ec, bool received,
                             const FastConnection& connection);

// True for a header of that name in `headers` (case-insensitive).
bool has_header(const nest::Headers& headers, std::string_view name);

}  // namespace nest::host
