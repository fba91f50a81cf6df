// The master's side of a distributed run's shared data (cluster/shared_service.h), on a clock
// the test sets: claims from two workers share one queue (the longest waiting gets a released
// row, whichever worker it is on), a claim's timeout passes at its deadline and not before, a
// gone worker's rows go to the waiting, a release from a worker not holding the row changes
// nothing, a cancelled wait's grant passes on, feeders that differ between workers are refused
// by name, and counters and values answer as the store's. (Over the network, with real
// workers: cluster_shared_test.)
#include <gtest/gtest.h>

#include <cmath>

#include "cluster/shared_service.h"

namespace nest::test {
namespace {

using host::SharedCall;
using host::SharedOp;
using host::SharedReply;
using host::SharedService;
using namespace std::chrono_literals;

const SharedService::Clock::time_point t0{};

SharedCall claim(std::uint64_t id, double timeout_s, std::uint64_t size = 2,
                 std::uint64_t digest = 7) {
  SharedCall c;
  c.op = SharedOp::kClaim;
  c.id = id;
  c.key = "accounts.csv";
  c.size = size;
  c.digest = digest;
  c.timeout_s = timeout_s;
  return c;
}

// Gives back `row`, which the claim `id` got.
SharedCall release(std::uint64_t id, std::uint64_t row) {
  SharedCall c;
  c.op = SharedOp::kRelease;
  c.id = id;
  c.key = "accounts.csv";
  c.row = row;
  return c;
}

SharedCall cancel(std::uint64_t id) {
  SharedCall c;
  c.op = SharedOp::kCancel;
  c.id = id;
  c.key = "accounts.csv";
  return c;
}

// Who got what: "worker:id=row" or "worker:id denied".
std::vector<std::string> said(const std::vector<SharedService::Answer>& answers) {
  std::vector<std::string> out;
  for (const auto& a : answers) {
    std::string who = std::to_string(a.worker) + ":" + std::to_string(a.reply.id);
    out.push_back(a.reply.status == SharedReply::Status::kDone ? who + "=" + std::to_string(a.reply.row)
                                                               : who + " denied");
  }
  return out;
}

TEST(SharedService, ClaimsOfTwoWorkersShareOneQueueLongestWaitingFirst) {
  host::SharedStore store;
  SharedService service(store);
  auto a = service.serve(0, claim(1, 30), t0);
  auto b = service.serve(1, claim(1, 30), t0);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->row, 0u);
  EXPECT_EQ(b->row, 1u);
  // Both rows held: worker 1 waits, then worker 0.
  EXPECT_FALSE(service.serve(1, claim(2, 30), t0 + 1s));
  EXPECT_FALSE(service.serve(0, claim(2, 30), t0 + 2s));
  EXPECT_TRUE(service.take_answers(t0 + 2s).empty());
  EXPECT_FALSE(service.serve(0, release(1, 0), t0 + 3s));  // worker 0 gives row 0 back
  EXPECT_EQ(said(service.take_answers(t0 + 3s)), (std::vector<std::string>{"1:2=0"}));
  service.serve(1, release(1, 1), t0 + 4s);
  EXPECT_EQ(said(service.take_answers(t0 + 4s)), (std::vector<std::string>{"0:2=1"}));
}

TEST(SharedService, AClaimsTimeoutPassesAtItsDeadlineAndNotBefore) {
  host::SharedStore store;
  SharedService service(store);
  service.serve(0, claim(1, 30, 1), t0);
  EXPECT_FALSE(service.serve(1, claim(1, 1.5, 1), t0));
  ASSERT_TRUE(service.next_deadline());
  EXPECT_EQ(*service.next_deadline(), t0 + 1500ms);
  EXPECT_TRUE(service.take_answers(t0 + 1499ms).empty());
  EXPECT_EQ(said(service.take_answers(t0 + 1500ms)), (std::vector<std::string>{"1:1 denied"}));
  EXPECT_FALSE(service.next_deadline());
  // A claim of no timeout: answered at once.
  auto now = service.serve(1, claim(2, 0, 1), t0 + 2s);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, SharedReply::Status::kDenied);
}

TEST(SharedService, AGoneWorkersRowsGoToTheWaitingAndItsLateReleasesChangeNothing) {
  host::SharedStore store;
  SharedService service(store);
  service.serve(0, claim(1, 30), t0);
  service.serve(0, claim(2, 30), t0);
  EXPECT_FALSE(service.serve(0, claim(3, 30), t0));  // worker 0 waits too: its wait ends
  EXPECT_FALSE(service.serve(1, claim(1, 30), t0));
  EXPECT_FALSE(service.serve(1, claim(2, 30), t0));
  EXPECT_EQ(service.release_all(0), 2u);
  EXPECT_EQ(said(service.take_answers(t0 + 1s)), (std::vector<std::string>{"1:1=0", "1:2=1"}));
  // Worker 0 comes back and releases what it held: the rows are worker 1's now.
  service.serve(0, release(1, 0), t0 + 2s);
  EXPECT_FALSE(service.serve(0, claim(4, 0), t0 + 2s)->status == SharedReply::Status::kDone)
      << "row 0 stayed with worker 1";
  EXPECT_EQ(service.release_all(1), 2u);
  EXPECT_EQ(service.release_all(1), 0u);
}

TEST(SharedService, ACancelEndsAWaitOrGivesItsRowBackAndAStaleReleaseFreesNothing) {
  host::SharedStore store;
  SharedService service(store);
  service.serve(0, claim(1, 30, 1), t0);
  EXPECT_FALSE(service.serve(1, claim(1, 30, 1), t0));
  EXPECT_FALSE(service.serve(1, claim(2, 30, 1), t0));
  service.serve(0, release(1, 0), t0 + 1s);  // granted to 1:1, not yet answered...
  auto cancelled = service.serve(1, cancel(1), t0 + 1s);  // ...which its user gave up meanwhile
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, SharedReply::Status::kDenied) << "answered: the worker forgets it";
  EXPECT_EQ(said(service.take_answers(t0 + 1s)), (std::vector<std::string>{"1:2=0"}));
  // A cancel after the grant went out (its user stopped first, or the answer was lost): the
  // row comes back at once, and the late release of that claim frees nothing of another's.
  ASSERT_TRUE(service.serve(1, cancel(2), t0 + 2s));
  EXPECT_EQ(service.serve(0, claim(2, 0, 1), t0 + 2s)->status, SharedReply::Status::kDone);
  service.serve(1, release(2, 0), t0 + 3s);
  EXPECT_EQ(service.serve(0, claim(3, 0, 1), t0 + 3s)->status, SharedReply::Status::kDenied)
      << "row 0 is still worker 0's";
  EXPECT_FALSE(service.serve(1, cancel(9), t0 + 3s)) << "a claim never made: nothing to say";
}

TEST(SharedService, ClaimsItCannotServeAreAnsweredWithAnError) {
  host::SharedStore store;
  SharedService service(store);
  EXPECT_FALSE(service.serve(0, claim(1, 30, 1), t0 + 0s) == std::nullopt);
  EXPECT_FALSE(service.serve(0, claim(2, 30, 1), t0));  // waits
  auto twice = service.serve(0, claim(2, 30, 1), t0);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->text, "claim 2 of worker 1 came twice");
  auto nan = service.serve(1, claim(1, std::nan(""), 1), t0);
  ASSERT_TRUE(nan);
  EXPECT_EQ(nan->status, SharedReply::Status::kDenied) << "no timeout: no wait";
  auto huge = service.serve(1, claim(2, 30, std::uint64_t{1} << 40, 1), t0);
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, SharedReply::Status::kError);
  EXPECT_NE(huge->text.find("serves claims of 67108864 at most"), std::string::npos) << huge->text;
  EXPECT_EQ(service.release_all(0), 1u);
}

TEST(SharedService, FeedersThatDifferBetweenWorkersAreRefusedByName) {
  host::SharedStore store;
  SharedService service(store);
  service.serve(0, claim(1, 30, 2, 7), t0);
  auto other_size = service.serve(1, claim(1, 30, 3, 7), t0);
  ASSERT_TRUE(other_size);
  EXPECT_EQ(other_size->status, SharedReply::Status::kError);
  EXPECT_EQ(other_size->text,
            "the feeder accounts.csv differs between workers: worker 2's has 3 rows, worker 1's 2; "
            "give every worker the same file");
  auto other_values = service.serve(1, claim(2, 30, 2, 8), t0);
  EXPECT_EQ(other_values->text,
            "the feeder accounts.csv differs between workers: worker 2's has 2 rows, worker 1's 2 "
            "with other values; give every worker the same file");
}

TEST(SharedService, CountersAndValuesAnswerAsTheStore) {
  host::SharedStore store;
  SharedService service(store);
  auto call = [&](SharedOp op, std::string key, std::int64_t number = 0) {
    SharedCall c;
    c.op = op;
    c.key = std::move(key);
    c.number = number;
    return *service.serve(0, c, t0);
  };
  EXPECT_EQ(call(SharedOp::kCounterAdd, "orders", 5).number, 5);
  EXPECT_EQ(call(SharedOp::kCounterAdd, "orders", -2).number, 3);
  SharedCall cas;
  cas.op = SharedOp::kCounterCas;
  cas.key = "orders";
  cas.expected_number = 4;
  cas.number = 10;
  EXPECT_EQ(service.serve(1, cas, t0)->status, SharedReply::Status::kDenied);
  cas.expected_number = 3;
  EXPECT_EQ(service.serve(1, cas, t0)->status, SharedReply::Status::kDone);
  EXPECT_EQ(store.counter("orders").get(), 10) << "the master's own store: its hooks see it";
  SharedCall set;
  set.op = SharedOp::kValueCas;
  set.key = "order";
  set.text = "A-1";
  EXPECT_EQ(service.serve(0, set, t0)->status, SharedReply::Status::kDone) << "none expected";
  EXPECT_EQ(service.serve(1, set, t0)->status, SharedReply::Status::kDenied);
  auto got = call(SharedOp::kValueGet, "order");
  EXPECT_TRUE(got.found);
  EXPECT_EQ(got.text, "A-1");
  EXPECT_TRUE(call(SharedOp::kValueErase, "order").found);
  EXPECT_FALSE(call(SharedOp::kValueGet, "order").found);
}

}  // namespace
}  // namespace nest::test
