// The test harness itself (fixtures/process.h): a process that outlives its bound is killed,
// and what its threads were doing is in its `err`, so a hang in CI says where it hung.
#include <gtest/gtest.h>
#include <unistd.h>

#include "process.h"

namespace nest::test {
namespace {

TEST(ProcessFixture, AProcessPastItsBoundIsKilledAndItsThreadsShown) {
  ProcessResult r = run_process({"/bin/sleep", "60"}, 1);
  EXPECT_EQ(r.exit_code, -1) << "killed";
  EXPECT_NE(r.err.find("[/bin/sleep still running after 1 s: killed; its threads were]"),
            std::string::npos)
      << r.err;
  if (access("/usr/bin/gdb", X_OK) != 0) GTEST_SKIP() << "no gdb here: " << r.err;
  EXPECT_NE(r.err.find("#0 "), std::string::npos) << "a frame of its stack\n" << r.err;
}

}  // namespace
}  // namespace nest::test
