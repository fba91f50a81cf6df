#include "plugins/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "process.h"

namespace nest::host {
namespace {

const PluginProblem* problem_for(const Discovery& d, const std::string& file) {
  for (const auto& p : d.problems) {
    if (p.path.ends_with(file)) return &p;
  }
  return nullptr;
}

TEST(Loader, FindsTheExamplesWithTheirTasks) {
  Discovery d = discover_plugins(NEST_EXAMPLE_PLUGINS);
  EXPECT_TRUE(d.problems.empty());
  std::vector<std::string> names;
  for (const auto& t : d.tasksets) names.push_back(t.type.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ExampleModel", "ImpatientBuyer", "WindowShopper"}));
  const auto& example = d.tasksets[0];
  EXPECT_EQ(example.type.weight, 1);
  ASSERT_EQ(example.tasks.size(), 3u);
  EXPECT_EQ(example.tasks[0].name, "browse");
  EXPECT_EQ(example.tasks[0].weight, 5);
  EXPECT_TRUE(example.type.plugin.ends_with("example_model.so"));
  EXPECT_EQ(d.tasksets[2].type.weight, 3);
}

TEST(Loader, ReportsEachBadPluginAndKeepsTheGoodOne) {
  Discovery d = discover_plugins(NEST_TEST_PLUGINS "/bad");
  ASSERT_EQ(d.tasksets.size(), 1u) << "the good plugin, found two levels down";
  EXPECT_EQ(d.tasksets[0].type.name, "Counting");
  EXPECT_EQ(d.libraries_seen, 10u);

  auto* aborts = problem_for(d, "bad_aborts_in_static.so");
  ASSERT_NE(aborts, nullptr);
  EXPECT_NE(aborts->reason.find("crashed while loading in a test process (Aborted)"),
            std::string::npos)
      << aborts->reason;
  auto* throws = problem_for(d, "bad_throws_in_static.so");
  ASSERT_NE(throws, nullptr);
  // Unwinding through the dynamic loader works in a plain build; under ASan it terminates.
  // Either way the file is reported and skipped, and the host lives.
  EXPECT_TRUE(throws->reason == "threw while loading (a static constructor): static init failed" ||
              throws->reason.starts_with("crashed while loading in a test process (Aborted)"))
      << throws->reason;

  auto* text = problem_for(d, "not_a_library.so");
  ASSERT_NE(text, nullptr);
  EXPECT_NE(text->reason.find("not a loadable shared library"), std::string::npos) << text->reason;

  auto* plain = problem_for(d, "bad_no_symbols.so");
  ASSERT_NE(plain, nullptr);
  EXPECT_NE(plain->reason.find("exports no Nest tasksets"), std::string::npos) << plain->reason;

  auto* abi = problem_for(d, "bad_wrong_abi.so");
  ASSERT_NE(abi, nullptr);
  EXPECT_EQ(abi->reason, "built for Nest ABI version 2, this nest-host runs version " +
                             std::to_string(nest::kAbiVersion) + ": rebuild it against this SDK");

  auto* runtime = problem_for(d, "bad_other_runtime.so");
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->reason,
            std::string("built for another C++ runtime: Itanium C++ ABI, libc++ (Clang 17.0.6), "
                        "and this nest-host runs ") +
                nest::detail::kRuntime + " (" + nest::detail::kCompiler +
                "): rebuild it with the same standard library");

  auto* name = problem_for(d, "bad_name.so");
  ASSERT_NE(name, nullptr);
  EXPECT_NE(name->reason.find("display name 'checkout: mobile' cannot be a key in nest.ini"),
            std::string::npos)
      << name->reason;

  auto* thrower = problem_for(d, "bad_throwing_factory.so");
  ASSERT_NE(thrower, nullptr);
  EXPECT_NE(thrower->reason.find("cannot build me"), std::string::npos) << thrower->reason;

  auto* empty = problem_for(d, "bad_no_tasks.so");
  ASSERT_NE(empty, nullptr);
  EXPECT_NE(empty->reason.find("no task"), std::string::npos) << empty->reason;
}

TEST(Loader, TasksetsInNamespacesExportByClassNameOrDisplayName) {
  Discovery d = discover_plugins(NEST_TEST_PLUGINS "/namespaced");
  EXPECT_TRUE(d.problems.empty());
  std::vector<std::string> names;
  for (const auto& t : d.tasksets) names.push_back(t.type.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Browser", "Buyer", "MobileBuyer"}))
      << "shop::Buyer and the anonymous namespace's Browser by their class names, "
         "mobile::Buyer by the name NEST_TASKSET gave";
  ASSERT_EQ(d.tasksets.size(), 3u);
  EXPECT_EQ(d.tasksets[1].tasks[0].name, "buy");
}

TEST(Loader, SameNameInTwoFilesIsADuplicate) {
  // Counting is built twice: into counting/ and into bad/nested/deeper/.
  Discovery all = discover_plugins(NEST_TEST_PLUGINS);
  ASSERT_EQ(all.duplicates.size(), 1u);
  const std::string& d = all.duplicates[0];
  EXPECT_TRUE(d.starts_with("Counting: ")) << d;
  EXPECT_NE(d.find("counting/test_counting.so"), std::string::npos) << d;
  EXPECT_NE(d.find("deeper/bad_good_one.so"), std::string::npos) << d;
}

TEST(Loader, FollowsNoSymlinkedFolderSoLoopsCannotHang) {
  namespace fs = std::filesystem;
  std::string dir = nest::test::temp_dir();
  fs::create_directories(dir + "/a/b");
  fs::copy_file(NEST_TEST_PLUGINS "/counting/test_counting.so", dir + "/a/b/counting.so");
  fs::create_directory_symlink(dir, dir + "/a/b/loop");  // points back up: a cycle
  Discovery d = discover_plugins(dir);
  ASSERT_EQ(d.tasksets.size(), 1u);
  EXPECT_EQ(d.tasksets[0].type.name, "Counting");
  EXPECT_TRUE(d.duplicates.empty());
}

// A Kubernetes ConfigMap volume's layout: the files in a hidden ..DATE folder, linked from the
// top through ..data. Each taskset is found once, by its link.
TEST(Loader, SearchesNoHiddenFolderSoAConfigMapsFilesCountOnce) {
  namespace fs = std::filesystem;
  std::string dir = nest::test::temp_dir();
  fs::create_directories(dir + "/..2026_11_24_10_00_00.123");
  fs::copy_file(NEST_TEST_PLUGINS "/counting/test_counting.so",
                dir + "/..2026_11_24_10_00_00.123/counting.so");
  fs::create_directory_symlink("..2026_11_24_10_00_00.123", dir + "/..data");
  fs::create_symlink("..data/counting.so", dir + "/counting.so");
  Discovery d = discover_plugins(dir);
  ASSERT_EQ(d.tasksets.size(), 1u);
  EXPECT_EQ(d.tasksets[0].type.name, "Counting");
  EXPECT_TRUE(d.duplicates.empty());
  EXPECT_TRUE(d.problems.empty());
}

TEST(Loader, EmptyFolderFindsNothing) {
  Discovery d = discover_plugins(nest::test::temp_dir());
  EXPECT_TRUE(d.tasksets.empty());
  EXPECT_EQ(d.libraries_seen, 0u);
}

}  // namespace
}  // namespace nest::host
