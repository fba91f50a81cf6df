// CurlSession: nest::Client on one libcurl easy handle, run by the worker's CurlMulti.
#include <curl/curl.h>
#include <nest/taskset.h>
#include <strings.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "http/curl_transport.h"
#include "http/response_pool.h"
#include "http/session_core.h"
#include "stats/recorder.h"

namespace nest::host {
namespace {

class CurlSession final : public SessionCore, TransferObserver {
 public:
  CurlSession(CurlMulti& multi, Recorder& recorder, const TransportSettings& settings, Fiber& fiber)
      : SessionCore(recorder, settings, fiber), multi_(multi), easy_(curl_easy_init()) {
    if (!easy_) throw std::runtime_error("curl_easy_init failed");
    multi_.adopt(easy_);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_COOKIEFILE, "");  // this user's own cookie jar, in memory
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, settings_.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, static_cast<long>(settings_.max_redirects));
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "nest/" NEST_VERSION " (curl)");
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlSession::on_body);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlSession::on_header);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    if (settings_.max_body < static_cast<std::uint64_t>(std::numeric_limits<curl_off_t>::max())) {
      // A Content-Length over the limit fails before any of the body is read.
      curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(settings_.max_body));
    }
    if (settings_.insecure) {
      curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    base_headers_ = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
  }

  ~CurlSession() override {
    if (in_flight_) multi_.abort(easy_);
    curl_easy_cleanup(easy_);
    curl_slist_free_all(base_headers_);
  }

  void cancel() override {
    if (!in_flight_) return;
    multi_.abort(easy_);
    in_flight_ = false;
    aborted_ = true;
    fiber_.resume();
  }

 private:
  void transfer_done(CURLcode result) override {
    in_flight_ = false;
    result_ = result;
    fiber_.resume();
  }

  Ending exchange(const nest::Request& request, std::chrono::milliseconds timeout,
                  nest::Response& response) override;
  void prepare(const nest::Request& request, std::chrono::milliseconds timeout);
  std::string describe_error() const;

  // Over --max-body: stops the transfer (returning less than given makes curl fail it).
  static size_t on_body(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<CurlSession*>(self_ptr);
    std::string& body = self->pending_->body;
    if (size * count > self->settings_.max_body - body.size()) {
      self->over_max_body_ = true;
      return 0;
    }
    body.append(data, size * count);
    return size * count;
  }
  static size_t on_header(char* data, size_t size, size_t count, void* self_ptr);

  CurlMulti& multi_;
  CURL* easy_;
  curl_slist* base_headers_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::string url_;
  nest::Response* pending_ = nullptr;  // the response being received, during exchange()
  bool in_flight_ = false;
  bool aborted_ = false;
  bool over_max_body_ = false;  // on_body refused the rest of the body
  // The last response's header section ended (its blank line came): curl takes a connection
  // closed in the middle of the headers for a whole response; a partial file it is.
  bool headers_ended_ = false;
  CURLcode result_ = CURLE_OK;
};

size_t CurlSession::on_header(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<CurlSession*>(self_ptr);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect or 1xx): start over
    ResponsePool::instance().clear_headers(*self->pending_);
    self->headers_ended_ = false;
  } else if (line.empty()) {
    self->headers_ended_ = true;
  } else if (auto colon = line.find(':'); colon != line.npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    ResponsePool::instance().add_header(*self->pending_, line.substr(0, colon), value);
  }
  return size * count;
}

void CurlSession::prepare(const nest::Request& request, std::chrono::milliseconds timeout) {
  url_.clear();
  if (is_absolute_url(request.path)) {
    url_ = request.path;
  } else {
    append_path(url_, settings_.base_url, request.path);
  }
  append_query(url_, request.options.query);
  curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());

  const std::string& method = request.method;
  curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(easy_, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);  // never left from a HEAD
  if (method == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else if (request.body.empty() &&
             (method == "GET" || method == "DELETE" || method == "OPTIONS")) {
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
    if (method != "GET") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else {
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request.body.data());
    if (method != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
}

// Failure texts group failures in the reports, so they carry no per-request numbers (curl's
// own buffer says "after 3 ms"); they name the cause in the words of the OS where there is one.
std::string CurlSession::describe_error() const {
  long os_errno = 0;
  curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
  std::string cause = os_errno ? std::string(" (") + std::strerror(static_cast<int>(os_errno)) + ")"
                               : std::string();
  std::string_view detail = error_buffer_;
  switch (result_) {
    case CURLE_COULDNT_CONNECT:
      return "could not connect" + cause;
    case CURLE_UNSUPPORTED_PROTOCOL:  // "Received HTTP/0.9 when not allowed", a bad version
      if (detail.find("HTTP/0.9") != detail.npos || detail.find("HTTP version") != detail.npos) {
        return kNotHttp1;
      }
      return curl_easy_strerror(result_) + cause;
    case CURLE_RECV_ERROR:
      if (detail.find("chunk") != detail.npos) return kBadChunks;
      return curl_easy_strerror(result_) + cause;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return error_buffer_[0] ? error_buffer_ : curl_easy_strerror(result_);
    default:
      return curl_easy_strerror(result_) + cause;
  }
}

SessionCore::Ending CurlSession::exchange(const nest::Request& request,
                                          std::chrono::milliseconds timeout,
                                          nest::Response& response) {
  prepare(request, timeout);

  curl_slist* headers = base_headers_;
  curl_slist* extra = nullptr;
  curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, nullptr);
  if (!request.options.headers.empty()) {
    extra = curl_slist_append(nullptr, "Expect:");
    std::string line;
    for (const auto& [key, value] : request.options.headers) {
      if (strcasecmp(key.c_str(), "Accept-Encoding") == 0) {
        // curl sends it and decodes what comes back: the body the task sees is decoded.
        curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, value.c_str());
        continue;
      }
      line.assign(key).append(": ").append(value);
      extra = curl_slist_append(extra, line.c_str());
    }
    headers = extra;
  }
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);

  pending_ = &response;  // curl's callbacks fill it
  error_buffer_[0] = '\0';
  aborted_ = over_max_body_ = headers_ended_ = false;
  in_flight_ = true;
  multi_.start(easy_, this);
  while (in_flight_) fiber_.suspend();
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, base_headers_);
  curl_slist_free_all(extra);
  pending_ = nullptr;
  if (aborted_) return Ending::kStopped;

  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  // As the fast transport and wrk: the response time runs from just before the request is
  // written to the last byte; name lookup, connect and TLS handshake of a new connection are
  // recorded as their own figure. (Not TOTAL - PRETRANSFER: for a POST, curl's "pretransfer"
  // moment comes after the body was sent.)
  curl_off_t total_us = 0, lookup_us = 0, connect_us = 0, tls_us = 0;
  long new_connections = 0;
  curl_easy_getinfo(easy_, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(easy_, CURLINFO_NAMELOOKUP_TIME_T, &lookup_us);
  curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(easy_, CURLINFO_APPCONNECT_TIME_T, &tls_us);
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &new_connections);
  curl_off_t set_up_us = std::max(connect_us, tls_us);
  if (new_connections > 0 && connect_us > 0) {
    recorder_.connected(static_cast<std::uint64_t>(set_up_us - lookup_us));
  }
  if (result_ == CURLE_OPERATION_TIMEDOUT) return Ending::kTimedOut;
  response.elapsed = std::chrono::microseconds(set_up_us > 0 ? total_us - set_up_us : total_us);
  if (result_ == CURLE_OK && !headers_ended_) {
    response.error = kPartialFile;
  } else if (result_ == CURLE_OK) {
    response.status = static_cast<int>(status);
  } else if (over_max_body_ || result_ == CURLE_FILESIZE_EXCEEDED) {
    response.error = body_over_limit(settings_.max_body);
    response.body.clear();
    response.body.shrink_to_fit();  // up to --max-body: not kept for the next request
  } else {
    response.error = describe_error();
  }
  return Ending::kDone;
}

}  // namespace

void curl_global_setup() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlTransport::CurlTransport(boost::asio::io_context& io, Recorder& recorder,
                             TransportSettings settings)
    : multi_(io), recorder_(recorder), settings_(std::move(settings)) {}

std::unique_ptr<Session> CurlTransport::new_session(Fiber& fiber) {
  return std::make_unique<CurlSession>(multi_, recorder_, settings_, fiber);
}

}  // namespace nest::host
