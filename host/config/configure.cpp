#include "config/configure.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "config/confirm.h"
#include "config/ini_writer.h"
#include "config/plan_table.h"
#include "util/atomic_file.h"

namespace nest::host {
namespace {

// One line of input without surrounding white space; nullopt at end of input.
std::optional<std::string> ask(const std::string& question, std::FILE* in, std::FILE* out) {
  std::fputs(question.c_str(), out);
  std::fflush(out);
  char buffer[1024];
  if (!std::fgets(buffer, sizeof buffer, in)) {
    std::fputs("\n", out);
    return std::nullopt;
  }
  std::string line(buffer);
  auto b = line.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return std::string();
  return line.substr(b, line.find_last_not_of(" \t\r\n") - b + 1);
}

std::string read_all(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

std::optional<ConfigureResult> configure_weights(const WeightResolution& current,
                                                 const std::string& default_path, std::FILE* in,
                                                 std::FILE* out) {
  ConfigureResult result{current, default_path, false};
  for (auto& t : result.weights.tasksets) {
    for (;;) {
      auto answer =
          ask("Weight for " + t.type.name + " [" + std::to_string(t.type.weight) + "]: ", in, out);
      if (!answer) return std::nullopt;
      if (answer->empty()) break;
      int weight = -1;
      auto [end, ec] = std::from_chars(answer->data(), answer->data() + answer->size(), weight);
      if (ec == std::errc() && end == answer->data() + answer->size() && weight >= 0) {
        t.type.weight = weight;
        break;
      }
      std::fprintf(out, "  '%s' is not a weight: give a whole number from 0 (0 leaves %s out)\n",
                   answer->c_str(), t.type.name.c_str());
    }
  }
  std::fputs("\n", out);
  print_weights_table(out, result.weights);
  std::fputs("\n", out);

  auto where = ask("Save to [" + default_path + "]: ", in, out);
  if (!where) return std::nullopt;
  if (!where->empty()) result.path = *where;
  std::vector<std::pair<std::string, int>> weights;
  for (auto& t : result.weights.tasksets) {
    weights.emplace_back(t.type.name, t.type.weight);
    t.source = result.path;
  }
  write_atomically(result.path, update_weights(read_all(result.path), weights));
  std::fprintf(out, "Saved the weights to %s\n", result.path.c_str());

  result.run_now = ask_yes_no("Run now? [Y/n] ", in, out).value_or(false);
  return result;
}

}  // namespace nest::host
