// Test tasksets that choose their transport in code, and one that takes the run's. The demo
// target's /echo returns the request, User-Agent included, which names the transport that sent
// it: "nest/<version> (curl)" or "(fast)". Every task leaves its taskset, so each user moves
// between tasksets, and so between transports, all the time.
#include <nest/nest.h>

#include <string>

namespace {

// Fails the request unless it came through `expected`.
void expect_transport(nest::Client& client, const std::string& row, const char* expected) {
  auto response = client.get("/echo", {.name = row, .catch_response = true});
  if (response.body.find(std::string("(") + expected + ")") == std::string::npos) {
    response.failure(std::string("not sent by the ") + expected + " transport");
  }
}

}  // namespace

class OnCurl : public nest::TaskSet {
 public:
  OnCurl() {
    transport(nest::Transport::kCurl);
    task(1, "echo", [this] {
      expect_transport(client(), "/echo (OnCurl)", "curl");
      interrupt();
    });
  }
};
NEST_TASKSET(OnCurl)

class OnFast : public nest::TaskSet {
 public:
  OnFast() {
    transport(nest::Transport::kFast);
    task(1, "echo", [this] {
      expect_transport(client(), "/echo (OnFast)", "fast");
      interrupt();
    });
  }
};
NEST_TASKSET(OnFast)

// Names a second request's row after the transport the first one went through.
class OnDefault : public nest::TaskSet {
 public:
  OnDefault() {
    task(1, "echo", [this] {
      auto response = client().get("/echo", {.name = "/echo (OnDefault)"});
      bool fast = response.body.find("(fast)") != std::string::npos;
      client().get("/", {.name = fast ? "/ (OnDefault saw fast)" : "/ (OnDefault saw curl)"});
      interrupt();
    });
  }
};
NEST_TASKSET(OnDefault)
