#include "deps/ready_check.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include "util/text.h"

namespace nest::host {
namespace {

using std::chrono::milliseconds;

enum class Kind { kNone, kTcp, kHttp, kLog, kUnknown };

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

Kind kind_of(std::string_view check) {
  if (check.empty()) return Kind::kNone;
  if (starts_with_nocase(check, "tcp://")) return Kind::kTcp;
  if (starts_with_nocase(check, "http://") || starts_with_nocase(check, "https://")) {
    return Kind::kHttp;
  }
  if (starts_with_nocase(check, "log:")) return Kind::kLog;
  return Kind::kUnknown;
}

std::string_view log_text(std::string_view check) { return check.substr(4); }

struct HostPort {
  std::string host;
  std::string port;
};

// "tcp://HOST:PORT" split, or why it cannot be.
std::string parse_tcp(std::string_view check, HostPort& out) {
  std::string_view rest = check.substr(6);
  std::string_view host, port;
  if (rest.starts_with("[")) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return "tcp://[IPv6]:PORT misses its ']'";
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.starts_with(":")) return "tcp://HOST:PORT needs a port";
    port = after.substr(1);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return "tcp://HOST:PORT needs a port";
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return "an IPv6 host goes in brackets: tcp://[::1]:PORT";
    }
  }
  if (host.empty()) return "tcp://HOST:PORT needs a host";
  if (port.empty()) return "tcp://HOST:PORT needs a port";
  bool digits = port.size() <= 5 &&
                std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  int number = digits ? std::stoi(std::string(port)) : 0;
  if (number < 1 || number > 65535) {
    return "the port of tcp://HOST:PORT is a number from 1 to 65535, not '" + std::string(port) +
           "'";
  }
  out = {std::string(host), std::string(port)};
  return {};
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string check_url(std::string_view check) {
  init_curl_once();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url) return "out of memory";
  std::string text(check);
  if (CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return "'" + text + "' is not a URL (" + curl_url_strerror(rc) + ")";
  }
  char* host = nullptr;
  bool has_host = curl_url_get(url.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host;
  curl_free(host);
  if (!has_host) return "'" + text + "' names no host";
  return {};
}

// Where a probe of a loopback URL must not go through a proxy from the environment: the
// environment's no_proxy list, plus loopback.
std::string no_proxy_list() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    if (const char* value = std::getenv(name); value && *value) {
      return std::string(value) + "," + list;
    }
  }
  return list;
}

milliseconds at_least(milliseconds budget) { return std::max(budget, milliseconds(100)); }

}  // namespace

std::string ready_check_error(std::string_view check) {
  switch (kind_of(check)) {
    case Kind::kNone:
      return {};
    case Kind::kTcp: {
      HostPort ignored;
      return parse_tcp(check, ignored);
    }
    case Kind::kHttp:
      return check_url(check);
    case Kind::kLog:
      if (log_text(check).empty()) return "log:TEXT needs the text to look for";
      return {};
    case Kind::kUnknown:
      break;
  }
  return "'" + std::string(check) +
         "' is not a readiness check: tcp://HOST:PORT, http://URL, https://URL or log:TEXT";
}

ReadyCheck::ReadyCheck(std::string check, std::string log_path)
    : check_(std::move(check)), log_path_(std::move(log_path)) {}

bool ReadyCheck::attempt(milliseconds budget) {
  switch (kind_of(check_)) {
    case Kind::kNone:
      why_not_.clear();
      return true;
    case Kind::kTcp:
      return attempt_tcp(at_least(budget));
    case Kind::kHttp:
      return attempt_http(at_least(budget));
    case Kind::kLog:
      return attempt_log();
    case Kind::kUnknown:
      break;
  }
  why_not_ = ready_check_error(check_);
  return false;
}

bool ReadyCheck::attempt_tcp(milliseconds budget) {
  HostPort target;
  if (std::string error = parse_tcp(check_, target); !error.empty()) {
    why_not_ = error;
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); rc != 0) {
    why_not_ = "cannot resolve " + target.host + ": " + gai_strerror(rc);
    return false;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  auto deadline = std::chrono::steady_clock::now() + budget;
  why_not_ = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why_not_ = std::strerror(errno);
      continue;
    }
    int error = 0;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS) {
        auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLOUT, 0};
        int ready = poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 1)));
        if (ready <= 0) {
          error = ready == 0 ? ETIMEDOUT : errno;
        } else {
          socklen_t length = sizeof error;
          if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
        }
      }
    }
    if (error == 0) {
      // A connect to a free loopback port in the ephemeral range can meet itself (TCP's
      // simultaneous open): that is nobody listening.
      sockaddr_storage self{}, peer{};
      socklen_t self_length = sizeof self, peer_length = sizeof peer;
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&self), &self_length) == 0 &&
          getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0 &&
          self_length == peer_length && std::memcmp(&self, &peer, self_length) == 0) {
        error = ECONNREFUSED;
      }
    }
    close(fd);
    if (error == 0) {
      why_not_.clear();
      return true;
    }
    why_not_ = error == ETIMEDOUT ? "no answer to connect" : std::strerror(error);
  }
  return false;
}

bool ReadyCheck::attempt_http(milliseconds budget) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) {
    why_not_ = "libcurl could not start";
    return false;
  }
  static const std::string no_proxy = no_proxy_list();
  char error[CURL_ERROR_SIZE] = {};
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, check_.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: nest-host's signals stay its own
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(budget.count()));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(e, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(
      e, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK) {
    why_not_ = *error ? error : curl_easy_strerror(rc);
    return false;
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) {
    why_not_.clear();
    return true;
  }
  why_not_ = "answered " + std::to_string(status);
  return false;
}

bool ReadyCheck::attempt_log() {
  std::string_view text = log_text(check_);
  std::ifstream in(log_path_, std::ios::binary);
  if (!in) {
    why_not_ = "no output yet";
    return false;
  }
  in.seekg(static_cast<std::streamoff>(log_offset_));
  char chunk[65536];
  while (in.read(chunk, sizeof chunk), in.gcount() > 0) {
    auto got = static_cast<std::size_t>(in.gcount());
    log_offset_ += got;
    log_tail_.append(chunk, got);
    if (log_tail_.find(text) != std::string::npos) {
      why_not_.clear();
      return true;
    }
    if (log_tail_.size() >= text.size()) log_tail_.erase(0, log_tail_.size() - text.size() + 1);
  }
  why_not_ = "'" + printable(text) + "' not in its output yet";
  return false;
}

}  // namespace nest::host
