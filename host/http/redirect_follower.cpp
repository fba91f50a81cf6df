#include "http/redirect_follower.h"

namespace nest::host {

RedirectStep follow_redirect(Hop& hop, const nest::Response& response, int redirects,
                             int max_redirects) {
  int status = response.status;
  bool redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  std::string_view location = response.header("Location");
  if (!redirect || location.empty() || max_redirects == 0) return {};
  if (redirects == max_redirects) {
    return {false, "Maximum (" + std::to_string(max_redirects) + ") redirects followed"};
  }
  auto next = resolve_url(hop.url, location);
  if (!next) return {false, "URL using bad/illegal format or missing URL"};
  hop.url = std::move(*next);
  if ((status == 303 && hop.method != "HEAD") ||
      ((status == 301 || status == 302) && hop.method == "POST")) {
    hop.method = "GET";
    hop.body = {};
  }
  return {true, {}};
}

}  // namespace nest::host
