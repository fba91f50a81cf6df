// A worker the master cannot work with is refused, both sides named: another nest-host build
// (its version, or the layout of its messages), another SDK ABI. The test is that worker: a
// ZeroMQ socket of its own sends the join a real worker of that build would (a worker lacking
// the master's tasksets, a real nest-host, is cluster_test's).
#include <gtest/gtest.h>

#include <nest/plugin.h>
#include <zmq.hpp>

#include "cluster/wire.h"
#include "cluster_run.h"
#include "demo_target.h"

namespace nest::test {
namespace {

// The master's answer to `join`, sent from a socket of its own (as each worker has one).
std::string answer_to(const host::JoinMessage& join, int port) {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect("tcp://127.0.0.1:" + std::to_string(port));  // ZeroMQ dials until it is there
  socket.send(zmq::buffer(host::encode(join)), zmq::send_flags::none);
  zmq::pollitem_t in[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
  // A bound so a broken master fails the test instead of hanging it, not a timing claim.
  if (zmq::poll(in, 1, std::chrono::milliseconds(30000)) <= 0) return "(no answer)";
  zmq::message_t m;
  if (!socket.recv(m, zmq::recv_flags::none)) return "(no answer)";
  std::string_view frame(m.data<char>(), m.size());
  if (host::message_type(frame) != host::MessageType::kRefuse) return "(not a refusal)";
  return host::decode_refuse(frame).reason;
}

TEST(ClusterJoin, AWorkerOfAnotherBuildOrAbiIsRefusedNamingBothSides) {
  int port = closed_port();
  std::string bind = "tcp://127.0.0.1:" + std::to_string(port);
  auto master = start_nest_host({"--yes", "--master", "--bind", bind, "--expect-workers", "1",
                                 "--expect-workers-max-wait", "5s", "-H", "http://127.0.0.1:1",
                                 "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-t", "1s"});
  host::JoinMessage join;
  join.version = host::protocol_version();
  join.abi = nest::kAbiVersion;
  join.worker = "test:1";
  join.tasksets = {{"Counting", 1}};

  host::JoinMessage older = join;
  older.version = "0.0.1 (messages 1)";
  EXPECT_EQ(answer_to(older, port), "the master at " + bind +
                                        " refused it: it runs nest-host 0.0.1 (messages 1), "
                                        "the master " + host::protocol_version());
  host::JoinMessage other_abi = join;
  other_abi.abi = nest::kAbiVersion + 1;
  EXPECT_EQ(answer_to(other_abi, port),
            "the master at " + bind + " refused it: its plugins are for SDK ABI " +
                std::to_string(nest::kAbiVersion + 1) + ", the master's " +
                std::to_string(nest::kAbiVersion));

  ProcessResult m = master.get();
  EXPECT_EQ(m.exit_code, 1) << m.out << m.err;
  EXPECT_NE(m.err.find("nest-host: worker test:1 refused: it runs nest-host 0.0.1 (messages 1)"),
            std::string::npos)
      << m.err;
  EXPECT_NE((m.out + m.err).find("only 0 of 1 workers joined within 5 s"), std::string::npos)
      << m.out << m.err;
}

}  // namespace
}  // namespace nest::test
