// The INI file: line numbers, [weights] resolution, [nest] options and their precedence,
// and every error message naming file and line.
#include <gtest/gtest.h>

#include <fstream>

#include "config/options.h"
#include "config/weights.h"
#include "process.h"
#include "util/text.h"

namespace nest::host {
namespace {

std::string write_ini(const std::string& text) {
  std::string path = nest::test::temp_dir() + "/nest.ini";
  std::ofstream(path) << text;
  return path;
}

DiscoveredTaskset discovered(const std::string& name, int weight) {
  DiscoveredTaskset d;
  d.type.name = name;
  d.type.plugin = name + ".so";
  d.type.weight = weight;
  return d;
}

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

Options parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"nest-host"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Ini, EntriesKeepTheirLines) {
  auto path = write_ini("# a comment\n\n[weights]\nA = 3\n; another\nB=0\n\n[nest]\nusers = 5\n");
  IniFile ini = read_ini(path);
  ASSERT_EQ(ini.entries.size(), 3u);
  EXPECT_EQ(ini.entries[0].section, "weights");
  EXPECT_EQ(ini.entries[0].key, "A");
  EXPECT_EQ(ini.entries[0].value, "3");
  EXPECT_EQ(ini.entries[0].line, 4);
  EXPECT_EQ(ini.entries[1].line, 6);
  EXPECT_EQ(ini.entries[2].line, 9);
  EXPECT_EQ(ini.where(ini.entries[2]), path + ":9");
}

TEST(Ini, MalformedLineNamesFileAndLine) {
  auto path = write_ini("[weights]\nA = 1\nthis is not ini\n");
  EXPECT_EQ(error_of([&] { read_ini(path); }),
            path + ":3: not an INI line (expected `key = value`, `[section]` or `# comment`)");
  EXPECT_NE(error_of([] { read_ini("/nonexistent/nest.ini"); }).find("/nonexistent/nest.ini"),
            std::string::npos);
}

TEST(Weights, FileOverridesDefaultsAndSaysWhere) {
  auto path = write_ini("[weights]\nA = 7\nB = 0\n");
  IniFile ini = read_ini(path);
  auto r = resolve_weights({discovered("A", 1), discovered("B", 2), discovered("C", 3)}, &ini);
  ASSERT_EQ(r.tasksets.size(), 3u);
  EXPECT_EQ(r.tasksets[0].type.weight, 7);
  EXPECT_EQ(r.tasksets[0].source, path + ":2");
  EXPECT_EQ(r.tasksets[1].type.weight, 0);
  EXPECT_EQ(r.tasksets[2].type.weight, 3);
  EXPECT_EQ(r.tasksets[2].source, "plugin default");
  auto running = taking_part(r);
  ASSERT_EQ(running.size(), 2u) << "weight 0 leaves B out";
  EXPECT_EQ(running[0].name, "A");
  EXPECT_EQ(running[1].name, "C");
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Weights, UnknownNameIsAWarningWithFileAndLine) {
  auto path = write_ini("[weights]\nExampelModel = 2\n");
  IniFile ini = read_ini(path);
  auto r = resolve_weights({discovered("ExampleModel", 1)}, &ini);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], path +
                               ":2: no taskset named 'ExampelModel' was found (found: "
                               "ExampleModel)");
  EXPECT_EQ(r.tasksets[0].type.weight, 1);
}

TEST(Weights, BadWeightsAreErrorsWithFileAndLine) {
  for (const char* bad : {"-1", "2.5", "many", ""}) {
    auto path = write_ini(std::string("[weights]\n\nA = ") + bad + "\n");
    IniFile ini = read_ini(path);
    EXPECT_EQ(error_of([&] { resolve_weights({discovered("A", 1)}, &ini); }),
              path + ":3: weight of A must be a whole number from 0 (got '" + bad + "')");
  }
}

TEST(Options, NestSectionSetsOptionsAndTheCommandLineWins) {
  auto path = write_ini(
      "[nest]\nhost = http://127.0.0.1:9\nusers = 40\nspawn-rate = 4\n"
      "run-time = 2m\nonly-summary = true\ncsv = out/run\n");
  Options o = parse({"--config", path, "-u", "7"});
  EXPECT_EQ(o.run.transport.base_url, "http://127.0.0.1:9") << "from the file";
  EXPECT_EQ(o.run.users, 7u) << "the command line wins over the file";
  EXPECT_EQ(o.run.spawn_rate, 4);
  EXPECT_EQ(o.run.run_time, std::chrono::minutes(2));
  EXPECT_TRUE(o.only_summary);
  EXPECT_EQ(o.csv_prefix, "out/run");
  Options defaults = parse({"-H", "http://x:1", "--config", write_ini("[weights]\nA = 1\n")});
  EXPECT_EQ(defaults.run.users, 1u) << "the default when neither says";
}

TEST(Options, UnknownKeyNamesItAndSuggests) {
  auto path = write_ini("[nest]\nhost = http://x:1\nspawnrate = 4\n");
  EXPECT_EQ(error_of([&] {
              parse({"--config", path});
            }),
            path + ":3: unknown option 'spawnrate' in [nest] (did you mean 'spawn-rate'?)");
  auto far = write_ini("[nest]\nbanana = 1\n");
  EXPECT_EQ(error_of([&] {
              parse({"--config", far, "-H", "http://x:1"});
            }),
            far + ":2: unknown option 'banana' in [nest]");
}

TEST(Options, BadValuesInTheFileNameFileAndLine) {
  auto path = write_ini("[nest]\nhost = http://x:1\nusers = lots\n");
  auto error = error_of([&] { parse({"--config", path}); });
  EXPECT_TRUE(error.starts_with(path + ":3: ")) << error;
  auto flag = write_ini("[nest]\nhost = http://x:1\nonly-summary = maybe\n");
  EXPECT_EQ(error_of([&] {
              parse({"--config", flag});
            }),
            flag + ":3: only-summary takes true or false, not 'maybe'");
  auto time = write_ini("[nest]\nhost = http://x:1\nrun-time = soon\n");
  EXPECT_NE(error_of([&] {
              parse({"--config", time});
            }).find("'soon' is not a duration"),
            std::string::npos);
}

TEST(Options, IniMistakesAreNamedNeverIgnored) {
  auto error = [](const std::string& text) {
    std::string path = write_ini(text);
    std::string message = error_of([&] { parse({"--config", path, "-H", "http://x"}); });
    return message.substr(message.find("nest.ini"));
  };
  EXPECT_EQ(error("users = 5\n[nest]\n"),
            "nest.ini:1: 'users' comes before any section: put it under [nest] (or [weights], "
            "[thresholds], [stages])");
  EXPECT_EQ(error("[nest]\nusers = 5\n[Weights]\nA = 1\n"),
            "nest.ini:4: unknown section [Weights] (did you mean [weights]?); nest-host reads "
            "[nest], [weights], [thresholds], [stages], [dependencies], and for capacity [slo], "
            "[capacity] and [cost]");
  EXPECT_EQ(error("[nest]\nusers = 5\n\nusers = 6\n"),
            "nest.ini:4: 'users' in [nest] is given again (first at line 2)");
  EXPECT_EQ(error("[weights]\nA = 1\nA = 2\n"),
            "nest.ini:3: 'A' in [weights] is given again (first at line 2)");
  EXPECT_EQ(error("[nest]\n# " + std::string(300, 'x') + "\nusers = 5\n"),
            "nest.ini:2: longer than 198 bytes, which this reader cannot take");

  std::string dir = nest::test::temp_dir();
  EXPECT_EQ(error_of([&] {
              parse({"--config", dir, "-H", "http://x"});
            }),
            dir + ": not a file but a folder: give an INI file");
  EXPECT_EQ(error_of([&] {
              parse({"--config", "/dev/zero", "-H", "http://x"});
            }),
            "/dev/zero: not a file: give an INI file");
}

TEST(Options, MissingConfigIsAnErrorOnlyWhenAskedFor) {
  EXPECT_EQ(error_of([] {
              parse({"-H", "http://x:1", "--config", "/nonexistent/a.ini"});
            }),
            "--config: /nonexistent/a.ini does not exist");
  EXPECT_EQ(error_of([] {
              parse({"-H", "http://x:1"});
            }),
            "(no error)")
      << "no ./nest.ini is fine (tests run where there is none)";
}

TEST(Options, NearestKey) {
  std::vector<std::string> keys = {"users", "spawn-rate", "run-time", "host"};
  EXPECT_EQ(nearest("user", keys), "users");
  EXPECT_EQ(nearest("runtime", keys), "run-time");
  EXPECT_EQ(nearest("zzzzzzzz", keys), "");
}

}  // namespace
}  // namespace nest::host
