#include "config/dependency_options.h"

#include <algorithm>
#include <cctype>

#include "config/options.h"
#include "deps/ready_check.h"
#include "util/duration.h"
#include "util/text.h"

namespace nest::host {
namespace {

bool good_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string check_name(std::string_view name, const std::string& where) {
  if (!good_name(name)) {
    throw UsageError(where + ": '" + std::string(name) +
                     "' is not a dependency name (letters, digits, _ and -; it names its log "
                     "file)");
  }
  return std::string(name);
}

std::chrono::milliseconds duration_of(const std::string& text, const std::string& where) {
  auto parsed = parse_duration(text);
  if (!parsed || parsed->count() <= 0) {
    throw UsageError(where + ": '" + text + "' is not a duration (use 30s, 2m, 500ms)");
  }
  return *parsed;
}

std::string checked_ready(const std::string& check, const std::string& where) {
  if (std::string problem = ready_check_error(check); !problem.empty()) {
    throw UsageError(where + ": " + problem);
  }
  return check;
}

// "NAME=VALUE" of a flag.
std::pair<std::string, std::string> split_flag(const std::string& text, const std::string& flag,
                                               const char* value_name) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw UsageError(flag + ": '" + text + "' is not NAME=" + value_name);
  }
  std::string name(trim(std::string_view(text).substr(0, eq)));
  return {check_name(name, flag), std::string(trim(std::string_view(text).substr(eq + 1)))};
}

}  // namespace

std::vector<DependencySpec> read_dependencies(const std::optional<IniFile>& ini,
                                              const std::vector<std::string>& dependency_flags,
                                              const std::vector<std::string>& ready_flags,
                                              const std::string& default_timeout) {
  std::chrono::milliseconds timeout = duration_of(default_timeout, "--dependency-timeout");
  std::vector<DependencySpec> deps;
  auto find = [&](const std::string& name) {
    return std::find_if(deps.begin(), deps.end(), [&](const auto& d) { return d.name == name; });
  };
  std::vector<const IniEntry*> settings;  // NAME.ready and the like, read once all are known
  if (ini) {
    for (const auto& e : ini->entries) {
      if (e.section != "dependencies") continue;
      if (e.key.find('.') != std::string::npos) {
        settings.push_back(&e);
        continue;
      }
      std::string where = ini->where(e);
      if (e.value.empty()) throw UsageError(where + ": '" + e.key + "' has no command");
      DependencySpec d;
      d.name = check_name(e.key, where);
      d.command = e.value;
      d.timeout = timeout;
      d.where = where;
      deps.push_back(std::move(d));
    }
    for (const IniEntry* e : settings) {
      std::string where = ini->where(*e);
      auto dot = e->key.rfind('.');
      std::string name = e->key.substr(0, dot), setting = e->key.substr(dot + 1);
      auto d = find(name);
      if (d == deps.end()) {
        throw UsageError(where + ": '" + e->key + "' sets up '" + name +
                         "', which [dependencies] does not start (add '" + name + " = COMMAND')");
      }
      if (setting == "ready") {
        d->ready = checked_ready(e->value, where);
      } else if (setting == "timeout") {
        d->timeout = duration_of(e->value, where);
      } else if (setting == "grace") {
        d->grace = duration_of(e->value, where);
      } else {
        std::string hint = nearest(setting, {"ready", "timeout", "grace"});
        throw UsageError(where + ": unknown setting '" + setting + "' of a dependency" +
                         (hint.empty() ? "" : " (did you mean '" + name + "." + hint + "'?)") +
                         "; a dependency has NAME.ready, NAME.timeout and NAME.grace");
      }
    }
  }
  for (const auto& text : dependency_flags) {
    auto [name, command] = split_flag(text, "--dependency", "COMMAND");
    auto d = find(name);
    if (d == deps.end()) {
      d = deps.insert(deps.end(), DependencySpec{});
      d->name = name;
      d->timeout = timeout;
    }
    d->command = command;
    d->where = "--dependency " + name;
  }
  for (const auto& text : ready_flags) {
    auto [name, check] = split_flag(text, "--ready", "CHECK");
    auto d = find(name);
    if (d == deps.end()) {
      throw UsageError("--ready " + name + ": no dependency is named '" + name +
                       "' (give --dependency '" + name + "=COMMAND' or [dependencies])");
    }
    d->ready = checked_ready(check, "--ready " + name);
  }
  return deps;
}

}  // namespace nest::host
