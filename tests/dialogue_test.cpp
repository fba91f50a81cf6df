// The questions nest-host asks, answered through a pseudo-terminal; and the INI file that
// --configure writes, read back with everything else in it intact.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "config/ini_file.h"
#include "config/ini_writer.h"
#include "demo_target.h"
#include "process.h"
#include "pty_process.h"
#include "util/atomic_file.h"

namespace nest::test {
namespace {

const std::string kHost = NEST_BIN_DIR "/nest-host";

const std::string kOriginal =
    "# Load test settings for the shop\n"
    "[nest]\n"
    "users = 4  ; keep it small\n"
    "\n"
    "[weights]\n"
    "; the heavy customers\n"
    "Heavy = 2   ; from last week\n"
    "\n"
    "[thresholds]\n"
    "latency = p95<300ms\n";

TEST(IniWriter, UpdatesInPlaceAddsMissingAndKeepsEverythingElse) {
  std::string out = host::update_weights(kOriginal, {{"Heavy", 5}, {"Light", 0}});
  EXPECT_EQ(out,
            "# Load test settings for the shop\n"
            "[nest]\n"
            "users = 4  ; keep it small\n"
            "\n"
            "[weights]\n"
            "; the heavy customers\n"
            "Heavy = 5   ; from last week\n"
            "Light = 0\n"
            "\n"
            "[thresholds]\n"
            "latency = p95<300ms\n");
}

TEST(IniWriter, AddsAWeightsSectionWhenThereIsNone) {
  EXPECT_EQ(host::update_weights("[nest]\nusers = 3\n", {{"A", 1}}),
            "[nest]\nusers = 3\n\n[weights]\nA = 1\n");
  EXPECT_EQ(host::update_weights("", {{"A", 1}}), "[weights]\nA = 1\n");
}

TEST(IniWriter, WritesAtomicallyAndLeavesNoTemporaryFile) {
  std::string dir = temp_dir();
  std::string path = dir + "/nest.ini";
  std::ofstream(path) << "old\n";
  chmod(path.c_str(), 0640);
  host::write_atomically(path, "new\n");
  EXPECT_EQ(read_file(path), "new\n");
  struct stat st {};
  stat(path.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0640u) << "permissions kept";
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  EXPECT_THROW(host::write_atomically("/nonexistent/dir/nest.ini", "x"), std::runtime_error);
}

TEST(Dialogue, ConfigureAsksReasksSavesAndKeepsTheRestOfTheFile) {
  std::string dir = temp_dir();
  std::string ini = dir + "/nest.ini";
  std::ofstream(ini) << kOriginal;
  PtyProcess p(
      {kHost, "--configure", "--taskset-dir", NEST_TEST_PLUGINS "/weighted", "--config", ini});
  ASSERT_TRUE(p.expect("Weight for Heavy [2]: ")) << p.output();  // the file's value
  p.send("lots");
  ASSERT_TRUE(p.expect("'lots' is not a weight")) << p.output();
  ASSERT_TRUE(p.expect("Weight for Heavy [2]: ")) << p.output();
  p.send("-3");
  ASSERT_TRUE(p.expect("'-3' is not a weight")) << p.output();
  p.send("5");
  ASSERT_TRUE(p.expect("Weight for Light [1]: ")) << p.output();  // the plugin's default
  p.send("");                                                     // Enter keeps it
  ASSERT_TRUE(p.expect("83.3%")) << "Heavy 5 of 6:\n" << p.output();
  ASSERT_TRUE(p.expect("Save to [" + ini + "]: ")) << p.output();
  p.send("");
  ASSERT_TRUE(p.expect("Saved the weights to " + ini)) << p.output();
  ASSERT_TRUE(p.expect("Run now? [Y/n] ")) << p.output();
  p.send("n");
  EXPECT_EQ(p.wait(), 0) << p.output();

  std::string written = read_file(ini);
  EXPECT_NE(written.find("# Load test settings for the shop\n"), std::string::npos) << written;
  EXPECT_NE(written.find("users = 4  ; keep it small\n"), std::string::npos) << written;
  EXPECT_NE(written.find("; the heavy customers\nHeavy = 5   ; from last week\nLight = 1\n"),
            std::string::npos)
      << written;
  EXPECT_NE(written.find("[thresholds]\nlatency = p95<300ms\n"), std::string::npos) << written;
  host::IniFile back = host::read_ini(ini);  // and it still parses
  EXPECT_EQ(back.entries.size(), 4u);
}

TEST(Dialogue, ConfigureThenRunNowRunsWithTheNewWeights) {
  DemoTarget target;
  std::string ini = temp_dir() + "/fresh.ini";  // does not exist yet: configure creates it
  PtyProcess p({kHost, "--configure", "--taskset-dir", NEST_TEST_PLUGINS "/weighted", "--config",
                ini, "-H", target.url(), "-u", "2", "-t", "1s", "--only-summary"});
  ASSERT_TRUE(p.expect("Weight for Heavy [3]: ")) << p.output();
  p.send("0");
  ASSERT_TRUE(p.expect("Weight for Light [1]: ")) << p.output();
  p.send("");
  ASSERT_TRUE(p.expect("Save to [" + ini + "]: ")) << p.output();
  p.send("");
  ASSERT_TRUE(p.expect("Run now? [Y/n] ")) << p.output();
  p.send("");
  ASSERT_TRUE(p.expect("Final results", 30)) << p.output();
  EXPECT_EQ(p.wait(), 0) << p.output();
  EXPECT_EQ(read_file(ini), "[weights]\nHeavy = 0\nLight = 1\n");
  auto counts = target.counts();
  EXPECT_EQ(counts["GET /items/1"], 0u) << "Heavy was set to 0";
  EXPECT_GT(counts["GET /items/2"], 0u);
}

TEST(Dialogue, CtrlDAbortsConfigureAndWritesNothing) {
  std::string dir = temp_dir();
  std::string ini = dir + "/nest.ini";
  std::ofstream(ini) << kOriginal;
  PtyProcess p(
      {kHost, "--configure", "--taskset-dir", NEST_TEST_PLUGINS "/weighted", "--config", ini});
  ASSERT_TRUE(p.expect("Weight for Heavy [2]: ")) << p.output();
  p.send("7");
  ASSERT_TRUE(p.expect("Weight for Light [1]: ")) << p.output();
  p.send_eof();
  ASSERT_TRUE(p.expect("Aborted: nothing was written.")) << p.output();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_EQ(read_file(ini), kOriginal);
}

TEST(Dialogue, ConfirmationReasksThenNoMeansNotRun) {
  PtyProcess p({kHost, "--taskset-dir", NEST_TEST_PLUGINS "/counting", "-H", "http://127.0.0.1:1",
                "-t", "1s"});
  ASSERT_TRUE(p.expect("Run with these weights? [Y/n] ")) << p.output();
  p.send("maybe");
  ASSERT_TRUE(p.expect("Please answer y or n.")) << p.output();
  ASSERT_TRUE(p.expect("Run with these weights? [Y/n] ")) << p.output();
  p.send("n");
  ASSERT_TRUE(p.expect("Not run.")) << p.output();
  EXPECT_EQ(p.wait(), 0);
}

TEST(Dialogue, ConfigureNeedsATerminal) {
  auto r = run_process({kHost, "--configure", "--taskset-dir", NEST_TEST_PLUGINS "/weighted"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("run it in a terminal"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nest::test
