// nest-host --web end to end: a real nest-host serving the web UI on loopback, driven over
// HTTP as the page drives it (GET the page for its token, POST start, target and stop), against
// the demo target; bad input and foreign requests refused with nothing changed; credentials
// for anything wider than loopback.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "cluster_run.h"
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
    if (std::find(args.begin(), args.end(), "--taskset-dir") == args.end()) {
      args.insert(args.begin(), {"--taskset-dir", NEST_EXAMPLE_PLUGINS});
    }
    args.insert(args.begin(), {"--web", "--web-port", std::to_string(port_), "--only-summary"});
    process_ =
        std::async(std::launch::async, [args, signals] { return nest_host(args, 150, signals); });
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

// One Server-Sent Event: its name and its data, parsed.
struct Event {
  std::string name;
  json::object data;
};

// Reads /api/stream until `enough` holds for an event (or `limit` passes): every event, in order.
std::vector<Event> stream_events(int port, const std::function<bool(const Event&)>& enough,
                                 std::chrono::seconds limit = 40s) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  std::string request = "GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::vector<Event> events;
  std::string buffer;
  auto deadline = std::chrono::steady_clock::now() + limit;
  bool head = true;
  while (std::chrono::steady_clock::now() < deadline) {
    char chunk[65536];
    boost::system::error_code ec;
    std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    buffer.append(chunk, n);
    if (head) {
      auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      buffer.erase(0, end + 4);
      head = false;
    }
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
      std::string block = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      Event event;
      std::istringstream lines(block);
      for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("event: ")) event.name = line.substr(7);
        if (line.starts_with("data: ")) event.data = json::parse(line.substr(6)).as_object();
      }
      events.push_back(std::move(event));
      if (enough(events.back())) return events;
    }
  }
  return events;
}

// An "update" merged into the timeline a page holds, as docs/web-ui.md tells a page to.
void merge_timeline(json::object& held, const json::object& update) {
  std::size_t from = update.at("from").to_number<std::size_t>();
  auto append = [from](json::value& mine, const json::value& sent) {
    if (mine.is_array() && mine.as_array().size() == from) {
      for (const auto& v : sent.as_array()) mine.as_array().push_back(v);
    } else {
      mine = sent;
    }
  };
  for (const auto& [key, value] : update) {
    if (key == "from") continue;
    if (key == "rows") {
      json::array& rows = held["rows"].as_array();
      for (const auto& sent : value.as_array()) {
        auto same_row = [&](const json::value& r) {
          return r.at("method") == sent.at("method") && r.at("name") == sent.at("name");
        };
        auto it = std::find_if(rows.begin(), rows.end(), same_row);
        if (it == rows.end()) {
          json::object padded{{"method", sent.at("method")}, {"name", sent.at("name")}};
          for (const char* k : {"rps", "fail_per_s"}) padded[k] = json::array(from, 0.0);
          for (const char* k : {"p50_ms", "p95_ms", "p99_ms"}) padded[k] = json::array(from, nullptr);
          rows.push_back(std::move(padded));
          it = rows.end() - 1;
        }
        for (const auto& [field, series] : sent.as_object()) {
          if (series.is_array()) append(it->as_object()[field], series);
        }
      }
    } else if (key == "marks" || !value.is_array()) {
      held[key] = value;
    } else {
      append(held[key], value);
    }
  }
}

// The rows in a stable order, so two timelines compare whatever order a page keeps them in.
json::object sorted_rows(json::object timeline) {
  json::array& rows = timeline["rows"].as_array();
  std::sort(rows.begin(), rows.end(), [](const json::value& a, const json::value& b) {
    return std::pair(std::string(a.at("method").as_string()), std::string(a.at("name").as_string())) <
           std::pair(std::string(b.at("method").as_string()), std::string(b.at("name").as_string()));
  });
  return timeline;
}

// Requests in the timeline's seconds after `after` (all: -1): each second's rate times its length.
std::uint64_t timeline_requests(const json::object& timeline, double after = -1) {
  const auto& t = timeline.at("t").as_array();
  const auto& rps = timeline.at("rps").as_array();
  double total = 0, previous = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    double now = t[i].to_number<double>();
    if (now > after) total += std::round(rps[i].to_number<double>() * (now - previous));
    previous = now;
  }
  return static_cast<std::uint64_t>(total);
}

std::uint64_t cut_requests(const json::object& result) {
  std::uint64_t cut = 0;
  for (const auto& c : result.at("cut").as_array()) cut += c.at("requests").to_number<std::uint64_t>();
  return cut;
}

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

// The web UI of a master (nest-host --master --web): the page's Start goes to every worker as
// its share, a new target too, and the counts are the server's.
TEST(WebUi, AMastersPageSteersEveryWorker) {
  DemoTarget target;
  std::string dir = temp_dir();
  int cluster = closed_port();
  WebUi ui({"--master", "--bind", "tcp://127.0.0.1:" + std::to_string(cluster), "--expect-workers",
            "2", "-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-u", "1",
            "-t", "60s", "--autoquit", "0.5", "--json", dir + "/run.json"});
  ASSERT_EQ(ui.post("/api/start", R"({"users": 4, "spawn_rate": 40})").status, 200);
  auto workers = start_workers(2, cluster, NEST_TEST_PLUGINS "/counting");
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    return s.at("status").as_string() == "running" && !s.at("result").is_null() &&
           last_users(s) == 4;
  })) << ui.state();
  ASSERT_EQ(ui.post("/api/target", R"({"users": 10})").status, 200);
  ASSERT_TRUE(ui.wait_for([](const json::object& s) { return last_users(s) == 10; }))
      << "both workers took their share (5 and 5): " << ui.state();
  EXPECT_EQ(ui.state_object().at("result").at("workers").as_array().size(), 2u)
      << "the state lists the workers";
  ASSERT_EQ(ui.post("/api/stop", "").status, 200);
  ProcessResult run = ui.finish();
  for (auto& w : workers) EXPECT_EQ(w.get().exit_code, 0);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  EXPECT_EQ(result.at("workers").as_array().size(), 2u);
  EXPECT_EQ(result.at("aggregated").at("requests").to_number<std::uint64_t>() + cut_requests(result),
            target.count(""));
}

TEST(WebUi, APersonStartsChangesReloadsAndStopsARunInTheBrowser) {
  // tests/html/check_web_ui.mjs in headless Chromium: Start with 3 users, the statistics
  // table moves and sorts, the charts draw and keep a picked row, Set 6 and the users follow,
  // Reset stats, a reload keeps the history and the tab, Stop finishes the run, and the
  // Downloads tab's stats.csv and result.json are saved; no console error, nothing fetched
  // from anywhere else.
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "5", "-r", "50", "--autoquit", "10"});
  std::string url = "http://127.0.0.1:" + std::to_string(ui.port());
  auto check = run_process({"/usr/bin/env", "node", NEST_SOURCE_DIR "/tests/html/check_web_ui.mjs",
                            url, dir + "/web-ui.png", dir},
                           150);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "(screenshot: " << dir
                                << "/web-ui.png)";
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;

  // What the browser downloaded counts every request the server answered: after the reset
  // (the totals), before it (the timeline), or cut at the end.
  json::object result = json::parse(read_file(dir + "/result.json")).as_object();
  ASSERT_TRUE(result.at("run").at("stats_reset_at_s").is_number()) << "the page reset them";
  double reset_at = result.at("run").at("stats_reset_at_s").to_number<double>();
  const json::object& timeline = result.at("timeline").as_object();
  std::uint64_t totals = result.at("aggregated").at("requests").to_number<std::uint64_t>();
  std::uint64_t before = timeline_requests(timeline) - timeline_requests(timeline, reset_at);
  EXPECT_EQ(totals + before + cut_requests(result), target.count(""));
  std::string csv = read_file(dir + "/stats.csv");
  std::smatch aggregated;
  ASSERT_TRUE(std::regex_search(csv, aggregated, std::regex(R"(\n,Aggregated,(\d+),)"))) << csv;
  EXPECT_EQ(std::stoull(aggregated[1]), totals) << "the CSV and the JSON agree";
}

TEST(WebUi, FiveHundredRequestNamesKeepThePageResponsiveAndMarkupStaysText) {
  // check_web_ui.mjs --many-rows: a taskset with 500 request names (and markup in a name, a
  // failure and an exception); the page's time per update, per sort and per tab switch are
  // measured in the browser and printed (docs/web-ui.md records them); the markup is shown as
  // text and never runs.
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "--taskset-dir", NEST_TEST_PLUGINS "/many_names", "-u", "10",
            "-r", "100", "--autoquit", "8"});
  std::string url = "http://127.0.0.1:" + std::to_string(ui.port());
  auto check = run_process({"/usr/bin/env", "node", NEST_SOURCE_DIR "/tests/html/check_web_ui.mjs",
                            "--many-rows", url, dir + "/many-rows.png"},
                           150);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "(screenshot: " << dir
                                << "/many-rows.png)";
  std::printf("%s", check.out.c_str());  // the measured figures
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 1) << "failures and exceptions are its purpose" << run.out << run.err;
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
      {"{\"weights\": {\"Nope\": 1}}", "weights: no taskset is named 'Nope'"},
      {"{\"weights\": {\"ExampleModel\": -1}}", "weights.ExampleModel must be a whole number"},
      {"{\"weights\": [1]}", "weights must be an object"},
      {"{\"weights\": {\"ExampleModel\": 0, \"ImpatientBuyer\": 0, \"WindowShopper\": 0}}",
       "at least one taskset needs a weight above 0"},
      {"{\"host\": \"ftp://example.com\"}", "host: 'ftp://example.com' is not an http://"},
      {"{\"host\": \"example.com\"}", "host: 'example.com' needs a scheme"},
      {"{\"host\": 5}", "host must be a string"},
      {"{\"stages\": \"soon:5\"}", "stages"},
      {"{\"stages\": \"10s:5\", \"users\": 3}", "give them alone"},
      {"{\"stages\": 5}", "stages must be a string"},
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
  EXPECT_EQ(ui.post("/api/reset", "").status, 400) << "no run is running";
  EXPECT_EQ(ui.post("/api/stop", R"({"users": 3})").status, 400) << "stop takes no fields";
  EXPECT_EQ(ui.get("/download/stats.csv").status, 404) << "nothing measured yet";
  EXPECT_EQ(ui.get("/api/start").status, 405);
  EXPECT_EQ(ui.get("/nothing").status, 404);
  json::object state = ui.state_object();
  EXPECT_EQ(state.at("status").as_string(), "ready") << "nothing started";
  EXPECT_EQ(state.at("users").to_number<std::uint64_t>(), 5u) << "nothing changed";
  EXPECT_EQ(state.at("host").as_string(), "http://127.0.0.1:1") << "nothing changed";
  for (const auto& t : state.at("tasksets").as_array()) {
    EXPECT_NE(t.at("source").as_string(), "web UI") << "no weight changed";
  }
  ui.finish();
}

TEST(WebUi, TheStreamSendsTheStateOnceThenOnlyNewSecondsThatAddUpToIt) {
  DemoTarget target;
  WebUi ui({"-H", target.url(), "-u", "3", "-r", "30", "-t", "4s", "--autostart", "--autoquit",
            "5"});
  std::vector<Event> events = stream_events(ui.port(), [](const Event& e) {
    return e.data.at("status").as_string() == "finished";
  });
  ASSERT_FALSE(events.empty());
  ASSERT_EQ(events.back().data.at("status").as_string(), "finished") << "the stream saw the end";
  json::object final_state = ui.state_object();
  ui.finish();

  // The page's view: the first state with a result, then each update merged into it.
  std::optional<json::object> held;
  std::size_t updates = 0;
  for (const Event& e : events) {
    ASSERT_TRUE(e.name == "state" || e.name == "update") << e.name;
    if (e.name == "update") {
      ASSERT_TRUE(held) << "an update comes only after a state with a result";
      const json::object& timeline = e.data.at("result").at("timeline").as_object();
      std::size_t from = timeline.at("from").to_number<std::size_t>();
      EXPECT_EQ(from, held->at("t").as_array().size()) << "it starts where the page is";
      EXPECT_LE(timeline.at("t").as_array().size(), 2u) << "only the new seconds: " << from;
      merge_timeline(*held, timeline);
      ++updates;
    } else if (!e.data.at("result").is_null()) {
      held = e.data.at("result").at("timeline").as_object();
    }
    if (!e.data.at("result").is_null()) {
      for (const auto& row : e.data.at("result").at("rows").as_array()) {
        EXPECT_FALSE(row.as_object().contains("histogram")) << "the page needs no row histogram";
      }
    }
  }
  EXPECT_GE(updates, 3u) << "a 4 s run streams updates each second";
  ASSERT_TRUE(held);
  const json::object& whole = final_state.at("result").at("timeline").as_object();
  EXPECT_GT(whole.at("t").as_array().size(), 3u);
  EXPECT_EQ(json::value(sorted_rows(*held)), json::value(sorted_rows(whole)))
      << "the merged updates are the whole timeline";
  EXPECT_TRUE(final_state.at("result").at("rows").as_array().front().as_object().contains(
      "histogram"))
      << "/api/state keeps the whole document";
}

TEST(WebUi, ResetStatisticsStartsTheTotalsAgainAndKeepsTheTimeline) {
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "3", "-r", "30", "-t", "5s", "--autostart", "--autoquit",
            "1", "--json", dir + "/run.json"});
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    return !s.at("result").is_null() &&
           s.at("result").at("timeline").at("t").as_array().size() >= 2 &&
           s.at("result").at("aggregated").at("requests").to_number<std::uint64_t>() > 0;
  })) << ui.state();
  Reply reset = ui.post("/api/reset", "");
  ASSERT_EQ(reset.status, 200) << reset.body;
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    for (const auto& l : s.at("logs").as_array()) {
      if (l.at("text").as_string().starts_with("statistics reset")) return true;
    }
    return false;
  })) << "the page's Logs say so: " << ui.state();
  ProcessResult run = ui.finish();
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  const json::value& reset_at = result.at("run").at("stats_reset_at_s");
  ASSERT_TRUE(reset_at.is_number()) << "the result says when statistics were reset";
  const json::object& timeline = result.at("timeline").as_object();
  bool marked = false;
  for (const auto& m : timeline.at("marks").as_array()) {
    if (m.at("label").as_string() == "statistics reset (web UI)") {
      marked = true;
      EXPECT_EQ(m.at("t").to_number<double>(), reset_at.to_number<double>());
    }
  }
  EXPECT_TRUE(marked) << "and marks it on the timeline";
  std::uint64_t before = timeline_requests(timeline) - timeline_requests(timeline, reset_at.to_number<double>());
  EXPECT_GT(before, 0u) << "requests were measured before the reset";
  // The totals hold exactly the seconds after the reset (and the last, shorter than the
  // timeline keeps): every answered request is either there, before the reset, or cut.
  std::uint64_t totals = result.at("aggregated").at("requests").to_number<std::uint64_t>();
  EXPECT_EQ(totals + before + cut_requests(result), target.count(""));
  EXPECT_GE(totals, timeline_requests(timeline, reset_at.to_number<double>()));
  double measured = result.at("run").at("elapsed_s").to_number<double>() - reset_at.to_number<double>();
  EXPECT_NEAR(result.at("aggregated").at("figures").at("rps").to_number<double>(),
              static_cast<double>(totals) / measured, 1e-6)
      << "rates are over the seconds the totals cover";
}

TEST(WebUi, DownloadsAreTheFilesTheRunWrites) {
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "2", "-r", "20", "-t", "3s", "--autostart", "--autoquit",
            "4", "--json", dir + "/run.json", "--csv", dir + "/run"});
  ASSERT_TRUE(ui.wait_for([](const json::object& s) { return !s.at("result").is_null(); }));
  Reply so_far = ui.get("/download/stats.csv");
  EXPECT_EQ(so_far.status, 200) << "the run so far";
  EXPECT_TRUE(so_far.body.starts_with("Type,Name,Request Count,")) << so_far.body;
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    return s.at("status").as_string() == "finished";
  }));
  std::vector<std::string> names;
  json::object finished = ui.state_object();
  for (const auto& d : finished.at("downloads").as_array()) {
    names.push_back(std::string(d.at("name").as_string()));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"result.json", "report.html", "stats.csv",
                                             "failures.csv", "exceptions.csv",
                                             "stats_history.csv"}));
  EXPECT_EQ(ui.get("/download/result.json").body, read_file(dir + "/run.json"))
      << "the finished run's download is the --json file, byte for byte";
  for (const char* csv : {"stats", "failures", "exceptions", "stats_history"}) {
    EXPECT_EQ(ui.get(std::string("/download/") + csv + ".csv").body,
              read_file(dir + "/run_" + csv + ".csv"))
        << csv;
  }
  Reply html = ui.get("/download/report.html");
  EXPECT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("<title>"), std::string::npos);
  EXPECT_EQ(ui.get("/download/../run.json").status, 404);
  EXPECT_EQ(ui.get("/download/nothing.csv").status, 404);
  ProcessResult run = ui.finish();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  EXPECT_EQ(result.at("aggregated").at("requests").to_number<std::uint64_t>() +
                cut_requests(result),
            target.count(""));
}

TEST(WebUi, TheFormChoosesTheHostAndTheWeights) {
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", "http://127.0.0.1:1", "-u", "4", "-r", "40", "-t", "4s", "--autoquit", "1",
            "--json", dir + "/run.json"});
  Reply start = ui.post("/api/start", R"({"host": ")" + target.url() +
                                          R"(/", "weights": {"ExampleModel": 0, "ImpatientBuyer": 0}})");
  ASSERT_EQ(start.status, 200) << start.body;
  ASSERT_TRUE(ui.wait_for([](const json::object& s) {
    for (const auto& t : s.at("tasksets").as_array()) {
      if (t.at("name").as_string() == "WindowShopper" && t.at("users").to_number<int>() > 0) {
        return true;
      }
    }
    return false;
  })) << "the Tasksets tab's live users: " << ui.state();
  ProcessResult run = ui.finish();
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_GT(target.count(""), 0u) << "the form's host was used";
  EXPECT_EQ(target.count("POST /login"), 0u) << "only WindowShopper ran; it never logs in";
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  EXPECT_EQ(result.at("run").at("host").as_string(), target.url());
  for (const auto& t : result.at("tasksets").as_array()) {
    std::string name(t.at("name").as_string());
    if (name == "WindowShopper") {
      EXPECT_EQ(t.at("weight").to_number<int>(), 3);
      EXPECT_EQ(t.at("source").as_string(), "plugin default");
    } else {
      EXPECT_EQ(t.at("weight").to_number<int>(), 0) << name;
      EXPECT_EQ(t.at("source").as_string(), "web UI") << name;
    }
  }
}

TEST(WebUi, TheFormCanGiveStagesInsteadOfUsers) {
  DemoTarget target;
  std::string dir = temp_dir();
  WebUi ui({"-H", target.url(), "-u", "9", "--autoquit", "0.5", "--json", dir + "/run.json"});
  EXPECT_EQ(ui.state_object().at("stages").as_string(), "");
  Reply start = ui.post("/api/start", R"({"stages": "1s:2, 2s:2"})");
  ASSERT_EQ(start.status, 200) << start.body;
  EXPECT_TRUE(ui.state_object().at("plan").as_bool()) << "the stages set the load now";
  EXPECT_EQ(ui.post("/api/target", R"({"users": 5})").status, 400);
  ProcessResult run = ui.finish();  // the stages end the run: nobody presses Stop
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json::object result = json::parse(read_file(dir + "/run.json")).as_object();
  EXPECT_EQ(result.at("run").at("plan").as_string(), "stages 1s:2, 2s:2");
  EXPECT_FALSE(result.at("run").at("interrupted").as_bool());
  std::uint64_t most = 0;
  for (const auto& u : result.at("timeline").at("users").as_array()) {
    most = std::max(most, u.to_number<std::uint64_t>());
  }
  EXPECT_EQ(most, 2u) << "the stages' users, not -u 9";
  EXPECT_EQ(result.at("aggregated").at("requests").to_number<std::uint64_t>() +
                cut_requests(result),
            target.count(""));
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
