// Test tasksets that choose their transport in code, and one that takes the run's. The demo
// target's /echo returns the request, User-Agent included, which names the transport that sent
// it: "nest/<version> (curl)" or "(fast)". Every task leaves its taskset, so each user moves
// between tasksets, and so between transports, all the time.
#include <nest/nest.h>

#include <string>

namespace {

// A taskset pinned to one transport: each request fails unless that transport sent it.
template <nest::Transport kTransport>
class Pinned : public nest::TaskSet {
 public:
  Pinned() {
    transport(kTransport);
    task(1, "echo", [this] {
      const std::string kind = kTransport == nest::Transport::kCurl ? "curl" : "fast";
      const std::string row = kTransport == nest::Transport::kCurl ? "/echo (OnCurl)"
                                                                    : "/echo (OnFast)";
      auto response = client().get("/echo", {.name = row, .catch_response = true});
      if (response.body.find("(" + kind + ")") == std::string::npos) {
        response.failure("not sent by the " + kind + " transport");
      }
      interrupt();
    });
  }
};

}  // namespace

using OnCurl = Pinned<nest::Transport::kCurl>;
NEST_TASKSET(OnCurl)
using OnFast = Pinned<nest::Transport::kFast>;
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
