// Test taskset: HTTP details every transport must get right. Each task checks the response
// itself and marks it failed with what was wrong, so a test only has to find no failures.
#include <nest/nest.h>

#include <string>

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class Protocol : public nest::TaskSet {
 public:
  Protocol() {
    task(1, "redirect", [this] {
      auto r = client().get("/redirect?to=/items/7", {.name = "redirect", .catch_response = true});
      if (r.status != 200 || !has(r.body, "\"id\": 7")) r.failure("not followed: " + r.body);
    });
    task(1, "post then 303", [this] {
      auto r = client().post("/redirect?to=/echo&code=303", "x=1",
                             {.name = "303", .catch_response = true});
      if (!r.body.starts_with("GET /echo\n")) r.failure("not a GET after 303: " + r.body);
    });
    task(1, "chunked", [this] {
      auto r = client().get("/chunked", {.catch_response = true});
      if (r.body != "a body sent in chunks") r.failure("chunked body: " + r.body);
    });
    task(1, "head", [this] {
      auto r = client().head("/items", {.catch_response = true});
      if (r.status != 200 || !r.body.empty()) r.failure("HEAD: " + std::to_string(r.status));
    });
    task(1, "close", [this] {
      auto r = client().get("/close", {.catch_response = true});
      if (!has(r.body, "closing")) r.failure("close: " + r.body);
    });
    task(1, "query", [this] {
      auto r = client().get("/echo", {.query = {{"q", "a b&c/\xC3\xA9"}}, .name = "query",
                                      .catch_response = true});
      if (!r.body.starts_with("GET /echo?q=a%20b%26c%2F%C3%A9\n")) r.failure("query: " + r.body);
    });
    task(1, "gzip", [this] {
      auto r = client().get("/gzip", {.headers = {{"Accept-Encoding", "gzip"}},
                                      .catch_response = true});
      if (r.header("Content-Encoding") != "gzip") r.failure("not compressed on the wire");
      if (!r.body.starts_with("Nest demo target, compressed line 0\n") ||
          !r.body.ends_with("compressed line 19\n")) {
        r.failure("not decoded: " + r.body.substr(0, 40));
      }
    });
    task(1, "headers and body", [this] {
      auto r = client().post("/echo", "hello", {.headers = {{"X-Test", "yes"}},
                                                .name = "post body", .catch_response = true});
      if (!has(r.body, "X-Test: yes\n") || !has(r.body, "Content-Length: 5\n") ||
          !r.body.ends_with("\n\nhello")) {
        r.failure("headers or body: " + r.body);
      }
      if (r.header("content-type") != "text/plain") r.failure("response header lookup");
    });
  }
};
NEST_TASKSET(Protocol)
