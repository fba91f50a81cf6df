// The messages between a master and its workers (nest-host --master / --worker), and their
// bytes: each message is one ZeroMQ frame, a type byte then its fields (unsigned LEB128
// varints, doubles as their 8 bytes, strings and lists with their length first). Only
// nest-host reads and writes them, master and workers of the same version (a join checks it);
// still, every read is bounds-checked and a malformed frame is a WireError, never a crash
// (tests/fuzz/fuzz_wire.cpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/load_target.h"
#include "stats/sample_set.h"

namespace nest::host {

struct WireError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class MessageType : std::uint8_t {
  kJoin = 1,  // worker -> master: who it is and what it can run
  kRefuse,    // master -> worker: why it may not take part
  kPlan,      // master -> worker: its share of the run, and when to start
  kReport,    // worker -> master: its state, once a second and once at the end
  kStop,       // master -> worker: stop the run (as Ctrl-C would)
  kHeartbeat,  // master -> worker, once a second: the master is there (a worker's are its reports)
  kSteer,      // master -> worker: its share of a new aim (a stage, a shape, a rebalance, the UI)
  kShared,       // worker -> master: a call on the run's shared data (nest/shared.h)
  kSharedReply,  // master -> worker: its answer
};

// A worker's tasksets as discovery found them: what must match the master's.
struct TasksetDigest {
  std::string name;
  int weight = 0;  // the worker's own (informative): the master's weights are the ones used
  auto operator<=>(const TasksetDigest&) const = default;
};

// What a join says a worker speaks: nest-host's version and the layout of these messages
// (kMessagesLayout, raised at every change of a message's fields), e.g. "0.1.0 (messages 2)".
// A master refuses any other by name, so a worker of another build is told, never misread.
inline constexpr int kMessagesLayout = 2;  // 2: a plan carries the stop timeouts and tags
std::string protocol_version();

struct JoinMessage {
  std::string version;  // protocol_version()
  std::uint32_t abi = 0;
  std::string worker;  // "host:pid", for messages
  std::vector<TasksetDigest> tasksets;
};

struct RefuseMessage {
  std::string reason;
};

struct PlanMessage {
  std::uint64_t run_id = 0;
  std::uint32_t index = 0;  // the worker's number, 0-based, in join order
  std::uint32_t workers = 0;
  std::string host;             // the system under test (-H)
  bool open = false;            // the load model: open (arrivals) or closed (users)
  std::uint8_t arrivals = 0;    // open model: 0 constant, 1 poisson (--arrivals)
  std::uint64_t max_users = 0;  // open model: this worker's share of --max-users; 0: no cap
  LoadTarget target;            // this worker's share of the aim at its start
  double run_time_s = 0;        // 0: until stopped; from its start
  double start_in_s = 0;        // from receiving the plan
  std::uint64_t seed = 0;       // this worker's
  std::vector<std::pair<std::string, int>> weights;  // the master's, by taskset name
  // How the run ends and which tasks run are the master's too (as Locust's master sends its
  // stop_timeout): it waits for the workers' last reports as long as their stop may take.
  std::uint64_t stop_timeout_ms = 0;   // --stop-timeout
  std::uint64_t drain_timeout_ms = 0;  // --drain-timeout
  std::vector<std::string> tags;          // --tags
  std::vector<std::string> exclude_tags;  // --exclude-tags
};

// A worker's state: its whole run so far (`cumulative`, which alone decides totals, so a lost
// or repeated report changes none) and the second just ended (`interval`, for the timeline).
struct ReportMessage {
  std::uint64_t run_id = 0;
  std::uint32_t index = 0;
  std::uint64_t sequence = 0;  // 1, 2, ... per worker
  double elapsed_s = 0;        // on the worker's clock, from its start
  bool spawning = false;
  bool stopping = false;
  bool final = false;  // its run is over: no report follows
  SampleSet interval;
  SampleSet cumulative;
};

struct StopMessage {
  std::uint64_t run_id = 0;
};

struct HeartbeatMessage {
  std::uint64_t run_id = 0;
};

// The worker's share of the aim from now on, in the plan's model: the master follows the plan
// (stages, a shape, the web UI) and moves the shares when workers go missing or come back.
struct SteerMessage {
  std::uint64_t run_id = 0;
  LoadTarget target;
};

// The run's shared data lives on the master (host/cluster/shared_service.h): a worker's users
// reach it with these calls, each answered once by its id (a claim that waits: when a row is
// granted, or its timeout passes).
enum class SharedOp : std::uint8_t {
  kClaim = 0,    // key: the feeder; size, digest: its rows here; timeout_s -> row, or denied
  kRelease,      // key, row, id (of the claim that got it): a row this worker held (no answer)
  kCancel,       // id: that claim is no longer waited for -> denied, if it waited or held a row
  kCounterAdd,   // key, number -> the value after adding
  kCounterGet,   // key -> number
  kCounterSet,   // key, number
  kCounterCas,   // key, expected_number, number -> done
  kValueGet,     // key -> found, text
  kValueSet,     // key, text
  kValueCas,     // key, has_expected, expected, text -> done
  kValueErase,   // key -> done (it had a value)
};

struct SharedCall {
  std::uint64_t run_id = 0;
  std::uint32_t index = 0;  // the worker's number
  std::uint64_t id = 0;     // per worker, answered by the reply of the same id
  SharedOp op = SharedOp::kCounterGet;
  std::string key;
  std::uint64_t size = 0, digest = 0, row = 0;
  double timeout_s = 0;
  std::int64_t number = 0, expected_number = 0;
  bool has_expected = false;
  std::string expected, text;
};

struct SharedReply {
  enum class Status : std::uint8_t { kDone = 0, kDenied, kError };
  std::uint64_t id = 0;
  Status status = Status::kDone;  // kDenied: a claim's timeout passed; a compare-and-set failed
  std::uint64_t row = 0;
  std::int64_t number = 0;
  bool found = false;
  std::string text;  // a value; kError: why
};

// The type of a frame; WireError when it is empty or of no known type.
MessageType message_type(std::string_view frame);

std::string encode(const JoinMessage& m);
std::string encode(const RefuseMessage& m);
std::string encode(const PlanMessage& m);
std::string encode(const ReportMessage& m);
std::string encode(const StopMessage& m);
std::string encode(const HeartbeatMessage& m);
std::string encode(const SteerMessage& m);
std::string encode(const SharedCall& m);
std::string encode(const SharedReply& m);

// Each throws WireError when the frame is not a whole message of that type.
JoinMessage decode_join(std::string_view frame);
RefuseMessage decode_refuse(std::string_view frame);
PlanMessage decode_plan(std::string_view frame);
ReportMessage decode_report(std::string_view frame);
StopMessage decode_stop(std::string_view frame);
HeartbeatMessage decode_heartbeat(std::string_view frame);
SteerMessage decode_steer(std::string_view frame);
SharedCall decode_shared_call(std::string_view frame);
SharedReply decode_shared_reply(std::string_view frame);

}  // namespace nest::host
