// A worker's side of the run's shared data (cluster/shared_client.h), with the master played by
// the test: what it sends is read back off the frames it hands its socket's thread. A grant
// names the claim a release gives back; a claim given up before its grant came gives the grant
// back; a master gone ends every wait and fails every later call; a "forever" claim waits.
#include <gtest/gtest.h>

#include "cluster/shared_client.h"
#include "shared/feeder_table.h"

namespace nest::test {
namespace {

using host::ClaimWait;
using host::SharedCall;
using host::SharedOp;
using host::SharedReply;

struct Worker {
  std::vector<SharedCall> sent;
  host::SharedClient client{7, 1, 2, [this](std::string frame) {
                              sent.push_back(host::decode_shared_call(frame));
                            }};
  host::FeederTable accounts{"accounts.csv", {"user"}, {{"ann"}, {"bob"}}};
};

std::shared_ptr<ClaimWait> waiting(int& wakes) {
  auto wait = std::make_shared<ClaimWait>();
  wait->wake = [&wakes] { ++wakes; };
  return wait;
}

SharedReply granted(std::uint64_t id, std::uint64_t row) {
  SharedReply r;
  r.id = id;
  r.row = row;
  return r;
}

TEST(SharedClient, AReleaseNamesTheClaimThatGotTheRow) {
  Worker w;
  int wakes = 0;
  auto wait = waiting(wakes);
  w.client.claim(w.accounts, wait, std::chrono::seconds(5));
  ASSERT_EQ(w.sent.size(), 1u);
  SharedCall claim = w.sent[0];  // a copy: `sent` grows
  EXPECT_EQ(claim.op, SharedOp::kClaim);
  EXPECT_EQ(claim.run_id, 7u);
  EXPECT_EQ(claim.index, 1u);
  EXPECT_EQ(claim.key, "accounts.csv");
  EXPECT_EQ(claim.size, 2u);
  EXPECT_EQ(claim.digest, w.accounts.digest());
  EXPECT_DOUBLE_EQ(claim.timeout_s, 5.0);
  w.client.answer(granted(claim.id, 1));
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(w.client.stop_waiting(w.accounts, wait), std::optional<std::size_t>(1));
  w.client.give_back(w.accounts, 1);
  ASSERT_EQ(w.sent.size(), 2u);
  EXPECT_EQ(w.sent[1].op, SharedOp::kRelease);
  EXPECT_EQ(w.sent[1].id, claim.id);
  EXPECT_EQ(w.sent[1].row, 1u);
  w.client.give_back(w.accounts, 1);  // not held any more: nothing to say
  EXPECT_EQ(w.sent.size(), 2u);
}

TEST(SharedClient, AClaimGivenUpBeforeItsGrantGivesTheGrantBack) {
  Worker w;
  int wakes = 0;
  auto wait = waiting(wakes);
  w.client.claim(w.accounts, wait, std::chrono::seconds(5));
  std::uint64_t id = w.sent[0].id;
  EXPECT_EQ(w.client.stop_waiting(w.accounts, wait), std::nullopt);  // the run stops its user
  ASSERT_EQ(w.sent.size(), 2u);
  EXPECT_EQ(w.sent[1].op, SharedOp::kCancel);
  EXPECT_EQ(w.sent[1].id, id);
  w.client.answer(granted(id, 0));  // the grant was already on its way
  ASSERT_EQ(w.sent.size(), 3u);
  EXPECT_EQ(w.sent[2].op, SharedOp::kRelease);
  EXPECT_EQ(w.sent[2].id, id);
  EXPECT_EQ(w.sent[2].row, 0u);
  SharedReply cancel_answered;
  cancel_answered.id = id;
  cancel_answered.status = SharedReply::Status::kDenied;
  w.client.answer(cancel_answered);  // the master's answer to the cancel: nothing more
  EXPECT_EQ(w.sent.size(), 3u);
  EXPECT_EQ(wakes, 0) << "nobody waits for it any more";
}

TEST(SharedClient, AMasterGoneEndsEveryWaitAndFailsLaterCalls) {
  Worker w;
  int wakes = 0;
  auto wait = waiting(wakes);
  w.client.claim(w.accounts, wait, std::chrono::seconds(5));
  w.client.close("the master at tcp://m:5557 is gone");
  EXPECT_EQ(wakes, 1);
  EXPECT_THROW(w.client.stop_waiting(w.accounts, wait), std::runtime_error);
  try {
    w.client.counter_add("orders", 1);  // no user runs here: it would block, but fails at once
    FAIL() << "no answer can come";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "shared data: the master at tcp://m:5557 is gone");
  }
  auto later = waiting(wakes);
  w.client.claim(w.accounts, later, std::chrono::seconds(5));
  EXPECT_EQ(wakes, 2) << "a claim after the master went ends its wait at once";
  EXPECT_EQ(w.sent.size(), 1u) << "nothing sent after the close";
}

TEST(SharedClient, AForeverClaimWaitsForeverAndANegativeOneNotAtAll) {
  Worker w;
  using std::chrono::nanoseconds;
  EXPECT_EQ(w.client.wait_bound(nanoseconds::max()), nanoseconds::max());
  EXPECT_EQ(w.client.wait_bound(std::chrono::seconds(-30)), host::SharedClient::kAnswerBound);
  EXPECT_EQ(w.client.wait_bound(std::chrono::seconds(2)),
            std::chrono::seconds(2) + host::SharedClient::kAnswerBound);
}

TEST(SharedClient, NextStridesByWorkerSoTheWorkersTogetherTakeEveryRowInTurn) {
  Worker w;  // worker 2 of 2: rows 1, 3, 5, 0, 2, 4, 6, 1, ...
  host::FeederTable colours{"colours", {"c"}, {{"0"}, {"1"}, {"2"}, {"3"}, {"4"}, {"5"}, {"6"}}};
  host::set_shared_remote(&w.client);
  std::vector<std::size_t> rows;
  for (int i = 0; i < 8; ++i) rows.push_back(colours.next());
  host::set_shared_remote(nullptr);
  EXPECT_EQ(rows, (std::vector<std::size_t>{1, 3, 5, 0, 2, 4, 6, 1}));
}

}  // namespace
}  // namespace nest::test
