// The master's and workers' messages (cluster/wire.h), as a frame off the network: every input
// is a WireError or a message, and a message read, written back, reads back the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cluster/wire.h"

using namespace nest::host;

namespace {

template <typename Decode>
void round_trip(std::string_view frame, Decode decode) {
  auto message = decode(frame);
  std::string again = encode(message);
  if (encode(decode(again)) != again) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  try {
    switch (message_type(frame)) {
      case MessageType::kJoin:
        round_trip(frame, decode_join);
        break;
      case MessageType::kRefuse:
        round_trip(frame, decode_refuse);
        break;
      case MessageType::kPlan:
        round_trip(frame, decode_plan);
        break;
      case MessageType::kReport:
        round_trip(frame, decode_report);
        break;
      case MessageType::kStop:
        round_trip(frame, decode_stop);
        break;
      case MessageType::kHeartbeat:
        round_trip(frame, decode_heartbeat);
        break;
      case MessageType::kSteer:
        round_trip(frame, decode_steer);
        break;
      case MessageType::kShared:
        round_trip(frame, decode_shared_call);
        break;
      case MessageType::kSharedReply:
        round_trip(frame, decode_shared_reply);
        break;
    }
  } catch (const WireError&) {
  }
  return 0;
}
