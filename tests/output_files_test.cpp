// Writing results: paths checked before a run, symlinks written through, and one file that
// cannot be written never keeping the others from being written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "process.h"
#include "report/csv_report.h"
#include "util/atomic_file.h"
#include "util/output_path.h"

namespace nest::host {
namespace {
namespace fs = std::filesystem;
using test::read_file;
using test::temp_dir;

TEST(OutputPath, SymlinksAreFollowedAndOddFilesRefused) {
  std::string dir = temp_dir();
  fs::create_directory(dir + "/real");
  fs::create_symlink("real/out.json", dir + "/a");  // dangling until written
  fs::create_symlink("a", dir + "/b");              // a chain
  EXPECT_EQ(resolve_output_path(dir + "/b"), dir + "/real/out.json");
  write_atomically(dir + "/b", "new");
  EXPECT_EQ(read_file(dir + "/real/out.json"), "new");
  EXPECT_TRUE(fs::is_symlink(dir + "/b"));
  EXPECT_TRUE(fs::is_symlink(dir + "/a"));

  fs::create_symlink("/dev/zero", dir + "/device");
  EXPECT_THROW(write_atomically(dir + "/device", "x"), std::runtime_error);
  EXPECT_TRUE(fs::is_symlink(dir + "/device")) << "neither the link nor the device replaced";
  fs::create_symlink("loop2", dir + "/loop1");
  fs::create_symlink("loop1", dir + "/loop2");
  EXPECT_THROW(resolve_output_path(dir + "/loop1"), std::runtime_error);
}

TEST(OutputPath, TheSameFileTwiceIsNamedWithBothFlags) {
  std::string dir = temp_dir();
  fs::create_symlink("r.json", dir + "/alias.html");
  auto problems = check_output_files(
      {{"--json", dir + "/r.json"}, {"--html", dir + "/alias.html"}, {"--csv", dir + "/x.csv"}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "--html: " + dir + "/alias.html is the file --json writes too (" + dir +
                             "/r.json): give each its own path");
}

TEST(CsvReport, OneFileThatCannotBeWrittenDoesNotSkipTheOthers) {
  std::string prefix = temp_dir() + "/run";
  CsvReport csv(prefix, false);
  fs::create_directory(prefix + "_stats.csv");  // in the way, after the check
  Summary summary;
  try {
    csv.write_final(summary);
    FAIL() << "no error for the file that could not be written";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(prefix + "_stats.csv"), std::string::npos) << e.what();
  }
  EXPECT_NE(read_file(prefix + "_failures.csv").find("Method,Name,Error,Occurrences"),
            std::string::npos);
  EXPECT_NE(read_file(prefix + "_exceptions.csv").find("Count,Message"), std::string::npos);
}

}  // namespace
}  // namespace nest::host
