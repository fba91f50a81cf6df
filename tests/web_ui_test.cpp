// nest-host --web end to end: a real nest-host serving the web UI on loopback, driven over
// HTTP as the page drives it (GET the page for its token, POST start, target and stop), against
// the demo target; bad input and foreign requests refused with nothing changed; credentials
// for anything wider than loopback.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <future>
#include <regex>
#include <thread>

#include "demo_target.h"
#include "process.h"

namespace nest::test {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

int free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

struct Reply {
  int status = 0;  // 0: no connection
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:`port`.
Reply request(int port, http::verb method, const std::string& target, const std::string& body = "",
              const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(5s);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port)));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return {static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return {};
  }
}

// The web UI of a nest-host started in the background.
class WebUi {
 public:
  explicit WebUi(std::vector<std::string> args, std::vector<TimedSignal> signals = {}) {
    port_ = free_port();
    args.insert(args.begin(), {"--web", "--web-port", std::to_string(port_), "--taskset-dir",
                               NEST_EXAMPLE_PLUGINS, "--only-summary"});
    process_ =
        std::async(std::launch::async, [args, signals] { return nest_host(args, 90, signals); });
    for (int i = 0; i < 200 && state().empty(); ++i) std::this_thread::sleep_for(50ms);
    Reply page = get("/");
    std::smatch m;
    if (std::regex_search(page.body, m,
                          std::regex(R"re(name="nest-token" content="([0-9a-f]+)")re"))) {
      token_ = m[1];
    }
  }

  Reply get(const std::string& target) { return request(port_, http::verb::get, target); }
  Reply post(const std::string& target, const std::string& body,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("X-Nest-Token", token_);
    return request(port_, http::verb::post, target, body, headers);
  }
  // The state as JSON text; empty while nothing answers.
  std::string state() { return get("/api/state").body; }
  json::object state_object() { return json::parse(state()).as_object(); }
  // Waits (up to 20 s) until `done` holds for the state.
  bool wait_for(const std::function<bool(const json::object&)>& done) {
    for (int i = 0; i < 400; ++i) {
      std::string text = state();
      if (!text.empty() && done(json::parse(text).as_object())) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  ProcessResult finish() { return process_.get(); }
  const std::string& token() const { return token_; }
  int port() const { return port_; }

 private:
  int port_ = 0;
  std::string token_;
  std::future<ProcessResult> process_;
};

std::uint64_t last_users(const json::object& state) {
  const auto& users = state.at("result").at("timeline").at("users").as_array();
  return users.empty() ? 0 : users.back().to_number<std::uint64_t>();
}

TEST(WebUi, ThePageStartsSteersAndStopsARunAndEveryRequestIsCounted) {
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "5", "-r", "50", "-t", "60s", "--autoquit", "0.5", "--json",
            dir + "/run.json"});
  ASSERT_FALSE(ui.token().empty()) << "the page carries the token";
  json::object ready = ui.state_object();
  EXPECT_EQ(ready.at("status").as_string(), "ready") << "nothing runs before Start";
  EXPECT_TRUE(ready.at("result").is_null());
  EXPECT_EQ(target.count(""), 0u);

  Reply start = ui.post("/api/start", R"({"users": 4, "spawn_rate": 50})");
  ASSERT_EQ(start.status, 200) << start.body;
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    return s.at("status").as_string() == "running" && !s.at("result").is_null() &&
           last_users(s) == 4;
  })) << ui.state();

  Reply more = ui.post("/api/target", R"({"users": 8})");
  ASSERT_EQ(more.status, 200) << more.body;
  ASSERT_TRUE(ui.wait_for([](const json::object& s) { return last_users(s) == 8; }))
      << "the users follow the page's target: " << ui.state();
  json::object running = ui.state_object();
  EXPECT_EQ(running.at("target").to_number<double>(), 8);
  bool marked = false;
  for (const auto& m : running.at("result").at("timeline").at("marks").as_array()) {
    marked = marked || m.at("label").as_string() == "web UI: 8 users";
  }
  EXPECT_TRUE(marked) << "the change is marked on the timeline";

  Reply stop = ui.post("/api/stop", "");
  ASSERT_EQ(stop.status, 200) << stop.body;
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Web UI: http://127.0.0.1:" + std::to_string(ui.port())),
            std::string::npos)
      << run.out;
  // Every request the server answered is in the result the UI's run wrote.
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  std::uint64_t recorded = result.at("aggregated").at("requests").to_number<std::uint64_t>();
  std::uint64_t cut = 0;
  for (const auto& c : result.at("cut").as_array())
    cut += c.at("requests").to_number<std::uint64_t>();
  EXPECT_EQ(recorded + cut, target.count(""));
  EXPECT_TRUE(result.at("run").at("interrupted").as_bool()) << "stopped from the page";
}

TEST(WebUi, APersonStartsChangesReloadsAndStopsARunInTheBrowser) {
  // tests/html/check_web_ui.mjs in headless Chromium: Start with 3 users, the report draws,
  // Set 6 and the users follow, a reload shows the history at once, Stop finishes the run;
  // no console error, nothing fetched from anywhere else.
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "5", "-r", "50", "--autoquit", "3"});
  std::string url = "http://127.0.0.1:" + std::to_string(ui.port());
  auto check = run_process({"/usr/bin/env", "node", NEST_SOURCE_DIR "/tests/html/check_web_ui.mjs",
                            url, dir + "/web-ui.png"},
                           90);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "(screenshot: " << dir
                                << "/web-ui.png)";
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST(WebUi, AutostartRunsAsConfiguredAndAPlanCannotBeSteered) {
  DemoTarget target;
  WebUi ui({"-H", target.url(), "--stages", "2s:4, 2s:4", "--autostart", "--autoquit", "2"});
  EXPECT_NE(ui.state_object().at("status").as_string(), "ready") << "--autostart: no Start";
  EXPECT_TRUE(ui.state_object().at("plan").as_bool());
  Reply steer = ui.post("/api/target", R"({"users": 9})");
  EXPECT_EQ(steer.status, 400);
  EXPECT_NE(steer.body.find("follows its plan"), std::string::npos) << steer.body;
  EXPECT_TRUE(ui.wait_for([](const json::object& s) {
    return s.at("status").as_string() == "finished" && !s.at("result").is_null();
  })) << "the stages end the run, and the status says so";
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_GT(target.count(""), 0u);
}

TEST(WebUi, BadInputAndForeignRequestsChangeNothing) {
  WebUi ui({"-H", "http://127.0.0.1:1", "-u", "5"}, {{6, SIGKILL}});
  ASSERT_FALSE(ui.token().empty());
  struct Case {
    std::string body;
    std::string error;
  };
  std::vector<Case> cases = {
      {"{\"users\": -5}", "users must be a whole number, 0 or more"},
      {"{\"users\": 2.5}", "users must be a whole number, 0 or more"},
      {"{\"users\": 5, \"nobody\": 1}", "unknown field 'nobody'"},
      {"{\"rate\": 5}", "rate is the open model's"},
      {"{\"users\": 0}", "users must be at least 1"},
      {"[1, 2]", "the body is not a JSON object"},
      {"{\"users\": ", "the body is not a JSON object"},
      {"{\"run_time_s\": 0.0004}", "run_time_s must be 0 (until stopped) or from 1"},
      {"{\"run_time_s\": 1e300}", "run_time_s must be 0 (until stopped) or from 1"},
  };
  for (const auto& c : cases) {
    Reply r = ui.post("/api/start", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_NE(r.body.find(c.error), std::string::npos) << c.body << " -> " << r.body;
  }
  Reply no_token = request(ui.port(), http::verb::post, "/api/start", "{}");
  EXPECT_EQ(no_token.status, 403);
  EXPECT_NE(no_token.body.find("X-Nest-Token"), std::string::npos) << no_token.body;
  Reply foreign = ui.post("/api/start", "{}", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_NE(foreign.body.find("another site"), std::string::npos) << foreign.body;
  // DNS rebinding: evil.example made to resolve to 127.0.0.1; its page sends its own name, and
  // its own origin, which then looks like the page's.
  std::string evil = "evil.example:" + std::to_string(ui.port());
  Reply rebound = request(ui.port(), http::verb::get, "/", "", {{"Host", evil}});
  EXPECT_EQ(rebound.status, 403) << "the page (and its token) is not given to another name";
  EXPECT_EQ(rebound.body.find(ui.token()), std::string::npos);
  Reply rebound_post = ui.post("/api/start", "{}", {{"Host", evil}, {"Origin", "http://" + evil}});
  EXPECT_EQ(rebound_post.status, 403);
  EXPECT_EQ(request(ui.port(), http::verb::get, "/api/state", "", {{"Host", evil}}).status, 403);
  std::string tricky = "127.evil.example:" + std::to_string(ui.port());
  EXPECT_EQ(request(ui.port(), http::verb::get, "/", "", {{"Host", tricky}}).status, 403)
      << "a name that starts like a loopback address is still a name";
  // Another site's page may not even read or stream the state.
  EXPECT_EQ(
      request(ui.port(), http::verb::get, "/api/stream", "", {{"Origin", "http://evil.example"}})
          .status,
      403);
  EXPECT_EQ(
      request(ui.port(), http::verb::get, "/api/state", "", {{"Sec-Fetch-Site", "cross-site"}})
          .status,
      403);
  EXPECT_EQ(request(ui.port(), http::verb::get, "/", "",
                    {{"Host", "localhost:" + std::to_string(ui.port())}})
                .status,
            200)
      << "localhost is the same machine";
  EXPECT_EQ(ui.post("/api/target", R"({"users": 3})").status, 400) << "no run is running";
  EXPECT_EQ(ui.get("/api/start").status, 405);
  EXPECT_EQ(ui.get("/nothing").status, 404);
  json::object state = ui.state_object();
  EXPECT_EQ(state.at("status").as_string(), "ready") << "nothing started";
  EXPECT_EQ(state.at("users").to_number<std::uint64_t>(), 5u) << "nothing changed";
  ui.finish();
}

TEST(WebUi, AnAddressBeyondLoopbackNeedsCredentials) {
  auto open = nest_host({"--web", "--web-host", "0.0.0.0", "-H", "http://127.0.0.1:1"});
  EXPECT_EQ(open.exit_code, 2);
  EXPECT_NE(open.err.find("--web-host 0.0.0.0 lets other machines reach the web UI"),
            std::string::npos)
      << open.err;
  auto bad = nest_host({"--web", "--web-auth", "nopassword", "-H", "http://127.0.0.1:1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--web-auth: give USER:PASSWORD"), std::string::npos) << bad.err;

  WebUi ui({"-H", "http://127.0.0.1:1", "--web-auth", "ann:s3cret"}, {{6, SIGKILL}});
  EXPECT_EQ(ui.get("/").status, 401) << "no credentials";
  EXPECT_EQ(ui.get("/api/state").status, 401);
  auto with = [&](const std::string& credentials) {
    return request(ui.port(), http::verb::get, "/api/state", "",
                   {{"Authorization", "Basic " + credentials}});
  };
  EXPECT_EQ(with("YW5uOndyb25n").status, 401) << "ann:wrong";
  EXPECT_EQ(with("YW5uOnMzY3JldA==").status, 200) << "ann:s3cret";
  EXPECT_EQ(request(ui.port(), http::verb::get, "/api/stream").status, 401)
      << "the stream needs them too";
  EXPECT_EQ(request(ui.port(), http::verb::post, "/api/start", "{}").status, 401);
  ui.finish();
}

}  // namespace
}  // namespace nest::test
