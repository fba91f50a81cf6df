#include "config/ini_writer.h"

#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "util/text.h"

namespace nest::host {
namespace {

// "[weights]" -> "weights"; nullopt when the line is not a section header.
std::optional<std::string> section_of(const std::string& line) {
  std::string t = trim(line);
  if (t.size() < 2 || t.front() != '[') return std::nullopt;
  auto close = t.find(']');
  if (close == std::string::npos) return std::nullopt;
  return trim(t.substr(1, close - 1));
}

struct KeyLine {
  std::string key;
  std::size_t value_begin;  // index in the line where the value starts
  std::size_t value_end;    // where it ends (before an inline comment or the line end)
};

std::optional<KeyLine> key_of(const std::string& line) {
  std::string t = trim(line);
  if (t.empty() || t[0] == ';' || t[0] == '#' || t[0] == '[') return std::nullopt;
  auto eq = line.find_first_of("=:");
  if (eq == std::string::npos) return std::nullopt;
  KeyLine k{trim(line.substr(0, eq)), 0, 0};
  std::size_t begin = line.find_first_not_of(" \t", eq + 1);
  if (begin == std::string::npos) begin = line.size();
  std::size_t end = line.size();
  // An inline comment starts with ; after white space (inih's rule; # only starts whole-line
  // comments).
  for (std::size_t i = begin; i < line.size(); ++i) {
    if (line[i] == ';' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      end = i;
      break;
    }
  }
  while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
    --end;
  }
  k.value_begin = begin;
  k.value_end = end;
  return k;
}

}  // namespace

std::string update_weights(const std::string& original,
                           const std::vector<std::pair<std::string, int>>& weights) {
  std::vector<std::string> lines;
  std::stringstream in(original);
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::map<std::string, int> pending(weights.begin(), weights.end());
  std::string section;
  std::optional<std::size_t> last_weight_line;  // where to add missing names
  std::optional<std::size_t> weights_header;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (auto s = section_of(lines[i])) {
      section = *s;
      if (section == "weights" && !weights_header) weights_header = i;
      continue;
    }
    if (section != "weights") continue;
    auto k = key_of(lines[i]);
    if (!k) continue;
    last_weight_line = i;
    auto it = pending.find(k->key);
    if (it == pending.end()) continue;
    lines[i] = lines[i].substr(0, k->value_begin) + std::to_string(it->second) +
               lines[i].substr(k->value_end);
    pending.erase(it);
  }
  std::vector<std::string> added;
  for (const auto& [name, weight] : weights) {
    if (pending.count(name)) added.push_back(name + " = " + std::to_string(weight));
  }
  if (!added.empty()) {
    if (weights_header) {
      std::size_t at = (last_weight_line ? *last_weight_line : *weights_header) + 1;
      lines.insert(lines.begin() + static_cast<long>(at), added.begin(), added.end());
    } else {
      if (!lines.empty() && !trim(lines.back()).empty()) lines.push_back("");
      lines.push_back("[weights]");
      lines.insert(lines.end(), added.begin(), added.end());
    }
  }
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace nest::host
