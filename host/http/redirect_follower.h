// Following redirects as curl (and browsers) do, for the fast transport (libcurl follows its
// own): where a 301/302/303/307/308 leads, with which method and body, and when to give up.
#pragma once

#include <nest/http.h>

#include <string>

#include "http/url.h"

namespace nest::host {

// One request of a redirect chain.
struct Hop {
  std::string method;
  Url url;
  std::string body;
};

struct RedirectStep {
  bool follow = false;  // `hop` now is the next request
  std::string error;    // why the chain ends in a failure (too many, a bad Location)
};

// After `response` to `hop`, which came after `redirects` redirects, with at most
// `max_redirects` to follow (0: none, the 3xx is the response). When the response redirects,
// `hop` becomes the next request: the Location resolved against it, and a GET without body
// after a 303 (but for HEAD), and after a 301 or 302 of a POST.
RedirectStep follow_redirect(Hop& hop, const nest::Response& response, int redirects,
                             int max_redirects);

}  // namespace nest::host
