#include "config/capacity_options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>

#include "config/load_plan.h"
#include "config/options.h"
#include "util/duration.h"
#include "util/text.h"

namespace nest::host {
namespace po = boost::program_options;

namespace {

// The INI keys of each section, as written there (the flags are the same with '-' for '_').
const std::vector<std::string> kCapacityKeys = {"steps",   "start",  "ceiling", "precision",
                                                "plateau", "warmup", "confirm", "cooldown"};
const std::vector<std::string> kCostKeys = {"price_per_hour",
                                            "servers",
                                            "requests_per_customer_per_hour",
                                            "sessions_per_customer_per_hour",
                                            "peak_factor",
                                            "headroom",
                                            "customers",
                                            "currency"};

std::string flag_of(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

struct Setting {
  std::string text;
  std::string source;  // "--plateau" or "nest.ini:12"
};

// The command line's value of `key`, else its line in `section` of the INI file.
class Settings {
 public:
  Settings(const po::variables_map& vm, const std::optional<IniFile>& ini) : vm_(vm), ini_(ini) {
    check_section("capacity", kCapacityKeys);
    check_section("cost", kCostKeys);
  }

  std::optional<Setting> get(const std::string& section, const std::string& key) const {
    std::string flag = flag_of(key);
    if (vm_.count(flag)) return Setting{vm_[flag].as<std::string>(), "--" + flag};
    if (!ini_) return std::nullopt;
    for (const auto& e : ini_->entries) {
      if (e.section == section && e.key == key) return Setting{trim(e.value), ini_->where(e)};
    }
    return std::nullopt;
  }

 private:
  void check_section(const std::string& section, const std::vector<std::string>& keys) const {
    if (!ini_) return;
    for (const auto& e : ini_->entries) {
      if (e.section != section) continue;
      if (std::find(keys.begin(), keys.end(), e.key) != keys.end()) continue;
      std::string hint = nearest(e.key, keys);
      throw UsageError(ini_->where(e) + ": unknown key '" + e.key + "' in [" + section + "]" +
                       (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
  }

  const po::variables_map& vm_;
  const std::optional<IniFile>& ini_;
};

[[noreturn]] void bad(const Setting& s, const std::string& what) {
  throw UsageError(s.source + ": '" + s.text + "' " + what);
}

std::chrono::seconds whole_seconds(const Setting& s) {
  auto d = parse_duration(s.text);
  if (!d || d->count() % 1000 != 0 || d->count() < 0) {
    bad(s, "is not a whole number of seconds (use 60, 60s, 2m)");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

// "5%" or "0.05".
double share(const Setting& s) {
  std::string t = s.text;
  bool percent = t.ends_with('%');
  if (percent) t.pop_back();
  auto v = parse_number(trim(t));
  if (!v) bad(s, "is not a share (use 5% or 0.05)");
  return percent ? *v / 100 : *v;
}

double level(const Setting& s, LoadModel model) {
  if (model == LoadModel::kOpen) {
    auto rate = parse_rate(s.text);
    if (!rate || *rate <= 0) bad(s, "is not an arrival rate (use 50/s, 600/m, or 50)");
    return *rate;
  }
  auto users = parse_number(s.text);
  if (!users || *users < 1 || std::floor(*users) != *users) {
    bad(s, "is not a whole number of users, 1 or more");
  }
  return *users;
}

CostInput cost_number(const Settings& settings, const std::string& key) {
  auto s = settings.get("cost", key);
  if (!s) return {};
  std::string text = s->text;
  if (key == "headroom") return {share(*s), s->source};
  // "1,000,000" and "1_000_000" read as a number: customer counts are written so.
  std::erase(text, ',');
  std::erase(text, '_');
  auto v = parse_number(trim(text));
  if (!v) bad(*s, "is not a number");
  return {*v, s->source};
}

}  // namespace

void add_capacity_options(po::options_description& desc) {
  po::options_description cap(
      "Capacity search (nest-host capacity; also [capacity], [slo] and [cost] in the INI file)");
  // clang-format off
  cap.add_options()
    ("slo", po::value<std::vector<std::string>>()->composing(), "the service level each plateau must meet, repeatable, in the threshold language: 'p99<300ms', 'fail_ratio<0.1%', 'GET /login:p95<1s' (also [slo] in the INI file); required")
    ("steps", po::value<std::string>(), "what the plateaus step: arrivals (the open model, sessions per second; the default) or users (the closed model)")
    ("start", po::value<std::string>(), "the first plateau's level: an arrival rate (10/s) or users (default 10)")
    ("ceiling", po::value<std::string>(), "never try a level above this (default: no ceiling)")
    ("precision", po::value<std::string>(), "stop bisecting once the last pass and the first fail are this close: 5% or 0.05 (default 5%)")
    ("plateau", po::value<std::string>(), "measured hold of each plateau, whole seconds (default 60s)")
    ("warmup", po::value<std::string>(), "discarded start of each plateau, whole seconds, 1 or more (default 15s)")
    ("confirm", po::value<std::string>(), "measured hold of the plateau that confirms the level found (default twice --plateau)")
    ("cooldown", po::value<std::string>(), "open model, after a plateau that did not pass: no arrivals until every session ended, at most this long (default 30s)")
    ("price-per-hour", po::value<std::string>(), "cost: price of the system under test as tested, all its servers, per hour")
    ("servers", po::value<std::string>(), "cost: servers in the configuration tested")
    ("requests-per-customer-per-hour", po::value<std::string>(), "cost: an average customer's requests in an average hour")
    ("sessions-per-customer-per-hour", po::value<std::string>(), "cost: or its sessions (visits) per hour (open model)")
    ("peak-factor", po::value<std::string>(), "cost: the peak hour's load over the average hour's (1 or more)")
    ("headroom", po::value<std::string>(), "cost: share of capacity kept free: 30% or 0.3")
    ("customers", po::value<std::string>(), "cost: a number of customers to size for: servers needed and their monthly cost")
    ("currency", po::value<std::string>(), "cost: the price's currency, as printed (USD, EUR, $)");
  // clang-format on
  desc.add(cap);
}

std::string flags_given(const po::variables_map& vm, std::initializer_list<const char*> names) {
  std::string out;
  for (const char* name : names) {
    if (!vm.count(name) || vm[name].defaulted()) continue;
    if (const bool* on = boost::any_cast<bool>(&vm[name].value()); on && !*on) continue;
    std::string_view n = name;
    std::string flag = n == "host"         ? "-H"
                       : n == "users"      ? "-u"
                       : n == "spawn-rate" ? "-r"
                       : n == "run-time"   ? "-t"
                                           : "--" + std::string(n);
    out += (out.empty() ? "" : ", ") + flag;
  }
  return out;
}

std::string plan_flags_given(const po::variables_map& vm) {
  return flags_given(vm, {"users", "run-time", "stages", "rate-stages", "arrival-rate", "shape",
                          "threshold", "abort-on-fail"});
}

CapacityPlan read_capacity_options(const po::variables_map& vm, const std::optional<IniFile>& ini,
                                   std::optional<double> spawn_rate) {
  Settings settings(vm, ini);
  CapacityPlan plan;
  auto get = [&](const char* key) { return settings.get("capacity", key); };
  if (auto s = get("steps")) {
    if (s->text == "users") {
      plan.model = LoadModel::kClosed;
    } else if (s->text != "arrivals") {
      bad(*s, "is not arrivals or users");
    }
  }
  plan.search.whole = plan.model == LoadModel::kClosed;  // users come whole
  if (auto s = get("start")) plan.search.start = level(*s, plan.model);
  if (auto s = get("ceiling")) {
    plan.search.ceiling = level(*s, plan.model);
    if (plan.search.ceiling < plan.search.start) bad(*s, "is below the start level");
  }
  if (auto s = get("precision")) {
    plan.search.precision = share(*s);
    if (!(plan.search.precision > 0 && plan.search.precision < 1)) {
      bad(*s, "is not a precision between 0 and 100%");
    }
  }
  if (auto s = get("plateau")) {
    plan.hold = whole_seconds(*s);
    if (plan.hold.count() < 1) bad(*s, "must be 1 s or more");
  }
  plan.confirm_hold = 2 * plan.hold;
  if (auto s = get("confirm")) {
    plan.confirm_hold = whole_seconds(*s);
    if (plan.confirm_hold.count() < 1) bad(*s, "must be 1 s or more");
  }
  if (auto s = get("warmup")) {
    plan.warmup = whole_seconds(*s);
    // The new level is set a few ms after its first second begins: that second is warm-up.
    if (plan.warmup.count() < 1) bad(*s, "must be 1 s or more");
  }
  if (auto s = get("cooldown")) plan.cooldown = whole_seconds(*s);
  if (spawn_rate) plan.spawn_rate = *spawn_rate;

  try {
    if (vm.count("slo")) {
      for (const auto& text : vm["slo"].as<std::vector<std::string>>()) {
        plan.slo.push_back(parse_threshold(text, "--slo"));
      }
    }
    if (ini) {
      for (const auto& e : ini->entries) {
        if (e.section == "slo") plan.slo.push_back(parse_threshold(e.value, ini->where(e)));
      }
    }
  } catch (const ThresholdError& e) {
    throw UsageError(e.what());
  }
  if (plan.slo.empty()) {
    throw UsageError(
        "a capacity search needs a service level: --slo 'p99<300ms' (repeatable), or an [slo] "
        "section in the INI file");
  }

  CostInputs& cost = plan.cost;
  cost.price_per_hour = cost_number(settings, "price_per_hour");
  cost.servers = cost_number(settings, "servers");
  cost.requests_per_customer_per_hour = cost_number(settings, "requests_per_customer_per_hour");
  cost.sessions_per_customer_per_hour = cost_number(settings, "sessions_per_customer_per_hour");
  cost.peak_factor = cost_number(settings, "peak_factor");
  cost.headroom = cost_number(settings, "headroom");
  cost.customers = cost_number(settings, "customers");
  if (auto s = settings.get("cost", "currency")) cost.currency = s->text;
  if (cost.any()) {
    auto problems = check_cost_inputs(cost, plan.model == LoadModel::kOpen);
    if (!problems.empty()) {
      std::string text = "the cost figures need:";
      for (const auto& p : problems) text += "\n  " + p;
      throw UsageError(text + "\n(or give no cost input at all, for capacity alone)");
    }
  }
  return plan;
}

}  // namespace nest::host
