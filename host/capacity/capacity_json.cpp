#include "capacity/capacity_json.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "report/json_io.h"
#include "report/result_json.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace nest::host {
namespace {

constexpr const char* kSchemaName = "nest-capacity";

// A plateau's measured hold as a complete result document of its own.
RunResult plateau_as_result(const CapacityResult& c, const PlateauResult& p) {
  RunResult r;
  r.info = c.info;
  r.info.plan = "plateau " + std::to_string(p.number) + " of a capacity search, its hold";
  r.info.elapsed_s = p.hold_s;
  r.info.run_time_s = p.hold_s;
  r.info.interrupted = !p.complete;
  r.tasksets = c.tasksets;
  r.totals = p.measured;
  r.total = p.total;
  r.thresholds = p.slo;
  return r;
}

json::object cost_inputs_json(const CostInputs& in) {
  auto input = [](const CostInput& i) -> json::value {
    if (!i.value) return nullptr;
    return json::object{{"value", json_number(*i.value)}, {"source", i.source}};
  };
  return {{"price_per_hour", input(in.price_per_hour)},
          {"servers", input(in.servers)},
          {"requests_per_customer_per_hour", input(in.requests_per_customer_per_hour)},
          {"sessions_per_customer_per_hour", input(in.sessions_per_customer_per_hour)},
          {"peak_factor", input(in.peak_factor)},
          {"headroom", input(in.headroom)},
          {"customers", input(in.customers)},
          {"currency", in.currency}};
}

json::value cost_json(const CapacityResult& c) {
  json::object out{{"inputs", cost_inputs_json(c.cost)}};
  if (!c.cost_report) {
    out["figures"] = nullptr;
    return out;
  }
  json::array figures, assumptions;
  for (const auto& f : c.cost_report->figures) {
    figures.push_back(json::object{{"what", f.what},
                                   {"value", json_number(f.value)},
                                   {"unit", f.unit},
                                   {"formula", f.formula}});
  }
  for (const auto& a : c.cost_report->assumptions) assumptions.push_back(json::string(a));
  out["figures"] = std::move(figures);
  out["assumptions"] = std::move(assumptions);
  return out;
}

json::object plateau_json(const CapacityResult& c, const PlateauResult& p) {
  json::array reasons;
  for (const auto& r : p.reasons) reasons.push_back(json::string(r));
  const Histogram& times = p.total.times;
  auto ms = [&](double fraction) {
    return p.total.requests ? json_number(times.percentile(fraction) / 1000.0)
                            : json::value(nullptr);
  };
  const GateReadings& g = p.gates;
  json::value result = parse_json(result_to_json(plateau_as_result(c, p)), "plateau");
  return {{"number", p.number},
          {"target", json_number(p.target)},
          {"confirmation", p.confirmation},
          {"complete", p.complete},
          {"started_s", json_number(p.started_s)},
          {"hold_from_s", json_number(p.hold_from_s)},
          {"hold_s", json_number(p.hold_s)},
          {"achieved", json_number(p.achieved)},
          {"carried", p.carried},
          {"verdict", p.complete ? verdict_name(p.verdict) : "incomplete"},
          {"reasons", std::move(reasons)},
          {"gates",
           {{"seconds", g.seconds},
            {"saturated_seconds", g.saturated_seconds},
            {"max_cpu", g.cpu_known ? json_number(g.max_cpu) : json::value(nullptr)},
            {"max_lag_ms", json_number(static_cast<double>(g.max_lag_us) / 1000)},
            {"users", json_number(g.users)}}},
          {"figures",
           {{"rps", json_number(p.rps())},
            {"fail_ratio", json_number(p.fail_ratio())},
            {"p50_ms", ms(0.5)},
            {"p95_ms", ms(0.95)},
            {"p99_ms", ms(0.99)},
            {"in_flight", json_number(p.in_flight())}}},
          {"result", std::move(result)}};
}

json::value found_json(const std::optional<FoundCapacity>& f) {
  if (!f) return nullptr;
  return json::object{{"level", json_number(f->level)},
                      {"plateau", f->plateau},
                      {"rps", json_number(f->rps)},
                      {"sessions_per_s",
                       f->sessions_per_s ? json_number(*f->sessions_per_s) : json::value(nullptr)},
                      {"in_flight", json_number(f->in_flight)},
                      {"users", json_number(f->users)},
                      {"at_ceiling", f->at_ceiling}};
}

PlateauVerdict verdict_of(const std::string& text, JsonReader& in, const std::string& where) {
  if (text == "pass") return PlateauVerdict::kPass;
  if (text == "fail") return PlateauVerdict::kFail;
  if (text == "invalid" || text == "incomplete") return PlateauVerdict::kInvalid;
  in.fail(where, "expected pass, fail, invalid or incomplete, not '" + text + "'");
}

std::optional<double> optional_real(const JsonReader& in, const json::object& o, const char* key,
                                    const std::string& where) {
  double v = in.real(o, key, where);
  return std::isnan(v) ? std::nullopt : std::optional(v);
}

CostInput input_from(const JsonReader& in, const json::object& o, const char* key,
                     const std::string& where) {
  const json::value& v = in.field(o, key, where);
  if (v.is_null()) return {};
  std::string path = in.join(where, key);
  const json::object& i = in.object(v, path);
  return {in.real(i, "value", path), in.text(i, "source", path)};
}

}  // namespace

const char* verdict_name(PlateauVerdict verdict) {
  switch (verdict) {
    case PlateauVerdict::kPass:
      return "pass";
    case PlateauVerdict::kFail:
      return "fail";
    case PlateauVerdict::kInvalid:
      return "invalid";
  }
  return "invalid";
}

std::string capacity_to_json(const CapacityResult& c) {
  const RunInfo& info = c.info;
  json::object run{{"host", info.host},
                   {"model", info.model},
                   {"plan", info.plan},
                   {"threads", info.threads},
                   {"transport", info.transport},
                   {"started_at", info.started_at},
                   {"elapsed_s", json_number(info.elapsed_s)},
                   {"interrupted", info.interrupted},
                   {"seed", info.seed}};
  const CapacitySettingsRecord& s = c.settings;
  json::array slo;
  for (const auto& [text, source] : s.slo) {
    slo.push_back(json::object{{"threshold", text}, {"source", source}});
  }
  json::object settings{
      {"start", json_number(s.start)},
      {"precision", json_number(s.precision)},
      {"ceiling", s.ceiling ? json_number(*s.ceiling) : json::value(nullptr)},
      {"warmup_s", json_number(s.warmup_s)},
      {"hold_s", json_number(s.hold_s)},
      {"confirm_hold_s", json_number(s.confirm_hold_s)},
      {"cooldown_s", json_number(s.cooldown_s)},
      {"slo", std::move(slo)},
      {"spawn_rate", json_number(s.spawn_rate)},
      {"arrivals", s.arrivals},
      {"max_users", s.max_users ? json::value(*s.max_users) : json::value(nullptr)},
      {"gates",
       {{"cpu", json_number(s.gates.cpu)},
        {"lag_ms", s.gates.lag.count()},
        {"saturated_share", json_number(s.gates.saturated_share)},
        {"start_lag_p99_ms", s.gates.start_lag_p99.count()},
        {"achieved", json_number(s.gates.achieved)}}}};
  json::array plateaus;
  for (const auto& p : c.plateaus) plateaus.push_back(plateau_json(c, p));
  json::object doc{{"schema", kSchemaName},
                   {"schema_version", CapacityResult::kSchemaVersion},
                   {"nest_version", info.nest_version},
                   {"run", std::move(run)},
                   {"tasksets", tasksets_json(c.tasksets)},
                   {"settings", std::move(settings)},
                   {"plateaus", std::move(plateaus)},
                   {"ending", c.ending},
                   {"message", c.message},
                   {"capacity", found_json(c.capacity)},
                   {"cost", cost_json(c)}};
  return valid_utf8(json::serialize(doc)) + "\n";
}

CapacityResult capacity_from_json(const std::string& text, const std::string& origin) {
  JsonReader in(origin);
  json::value parsed = parse_json(text, origin);
  const json::object& doc = in.object(parsed, "");
  if (in.text(doc, "schema", "") != kSchemaName) {
    in.fail("schema", "not a Nest capacity document (nest-host capacity --json writes one)");
  }
  std::uint64_t version = in.count(doc, "schema_version", "");
  if (version != CapacityResult::kSchemaVersion) {
    in.fail("schema_version", "is " + std::to_string(version) + "; this nest-host reads " +
                                  std::to_string(CapacityResult::kSchemaVersion));
  }
  CapacityResult c;
  c.info.nest_version = in.text(doc, "nest_version", "");
  const json::object& run = in.object(in.field(doc, "run", ""), "run");
  c.info.host = in.text(run, "host", "run");
  c.info.model = in.text(run, "model", "run");
  c.info.plan = in.text(run, "plan", "run");
  c.info.threads = static_cast<unsigned>(in.count(run, "threads", "run"));
  c.info.transport = in.text(run, "transport", "run");
  c.info.started_at = in.text(run, "started_at", "run");
  c.info.elapsed_s = in.real(run, "elapsed_s", "run");
  c.info.interrupted = in.boolean(run, "interrupted", "run");
  c.info.seed = in.count(run, "seed", "run");
  c.tasksets = read_tasksets(in, doc);
  const json::object& s = in.object(in.field(doc, "settings", ""), "settings");
  c.settings.start = in.real(s, "start", "settings");
  c.settings.precision = in.real(s, "precision", "settings");
  c.settings.ceiling = optional_real(in, s, "ceiling", "settings");
  c.settings.warmup_s = in.real(s, "warmup_s", "settings");
  c.settings.hold_s = in.real(s, "hold_s", "settings");
  c.settings.confirm_hold_s = in.real(s, "confirm_hold_s", "settings");
  c.settings.cooldown_s = in.real(s, "cooldown_s", "settings");
  c.settings.spawn_rate = in.real(s, "spawn_rate", "settings");
  c.settings.arrivals = in.text(s, "arrivals", "settings");
  if (!in.field(s, "max_users", "settings").is_null()) {
    c.settings.max_users = in.count(s, "max_users", "settings");
  }
  std::string gw = "settings.gates";
  const json::object& gates = in.object(in.field(s, "gates", "settings"), gw);
  c.settings.gates.cpu = in.real(gates, "cpu", gw);
  c.settings.gates.lag = std::chrono::milliseconds(in.count(gates, "lag_ms", gw));
  c.settings.gates.saturated_share = in.real(gates, "saturated_share", gw);
  c.settings.gates.start_lag_p99 =
      std::chrono::milliseconds(in.count(gates, "start_lag_p99_ms", gw));
  c.settings.gates.achieved = in.real(gates, "achieved", gw);
  const json::array& slo = in.array(in.field(s, "slo", "settings"), "settings.slo");
  for (std::size_t i = 0; i < slo.size(); ++i) {
    std::string where = "settings.slo[" + std::to_string(i) + "]";
    const json::object& o = in.object(slo[i], where);
    c.settings.slo.emplace_back(in.text(o, "threshold", where), in.text(o, "source", where));
  }
  const json::array& plateaus = in.array(in.field(doc, "plateaus", ""), "plateaus");
  for (std::size_t i = 0; i < plateaus.size(); ++i) {
    std::string where = "plateaus[" + std::to_string(i) + "]";
    const json::object& o = in.object(plateaus[i], where);
    PlateauResult p;
    p.number = static_cast<int>(in.count(o, "number", where));
    p.target = in.real(o, "target", where);
    p.confirmation = in.boolean(o, "confirmation", where);
    p.complete = in.boolean(o, "complete", where);
    p.started_s = in.real(o, "started_s", where);
    p.hold_from_s = in.real(o, "hold_from_s", where);
    p.hold_s = in.real(o, "hold_s", where);
    p.achieved = in.real(o, "achieved", where);
    p.carried = in.count(o, "carried", where);
    p.verdict = verdict_of(in.text(o, "verdict", where), in, in.join(where, "verdict"));
    const json::array& reasons = in.array(in.field(o, "reasons", where), in.join(where, "reasons"));
    for (const auto& r : reasons) {
      if (!r.is_string()) in.fail(in.join(where, "reasons"), "expected strings");
      p.reasons.emplace_back(r.get_string());
    }
    std::string gw = in.join(where, "gates");
    const json::object& g = in.object(in.field(o, "gates", where), gw);
    p.gates.seconds = static_cast<unsigned>(in.count(g, "seconds", gw));
    p.gates.saturated_seconds = static_cast<unsigned>(in.count(g, "saturated_seconds", gw));
    auto cpu = optional_real(in, g, "max_cpu", gw);
    p.gates.cpu_known = cpu.has_value();
    p.gates.max_cpu = cpu.value_or(0);
    p.gates.max_lag_us =
        static_cast<std::uint64_t>(std::llround(in.real(g, "max_lag_ms", gw) * 1000));
    p.gates.users = in.real(g, "users", gw);
    std::string rw = in.join(where, "result");
    RunResult r =
        result_from_json(json::serialize(in.field(o, "result", where)), origin + ": " + rw);
    p.measured = std::move(r.totals);
    p.total = r.total;
    p.slo = std::move(r.thresholds);
    c.plateaus.push_back(std::move(p));
  }
  c.ending = in.text(doc, "ending", "");
  c.message = in.text(doc, "message", "");
  const json::value& found = in.field(doc, "capacity", "");
  if (!found.is_null()) {
    const json::object& f = in.object(found, "capacity");
    FoundCapacity fc;
    fc.level = in.real(f, "level", "capacity");
    fc.plateau = static_cast<int>(in.count(f, "plateau", "capacity"));
    fc.rps = in.real(f, "rps", "capacity");
    fc.sessions_per_s = optional_real(in, f, "sessions_per_s", "capacity");
    fc.in_flight = in.real(f, "in_flight", "capacity");
    fc.users = in.real(f, "users", "capacity");
    fc.at_ceiling = in.boolean(f, "at_ceiling", "capacity");
    c.capacity = fc;
  }
  const json::object& cost = in.object(in.field(doc, "cost", ""), "cost");
  const json::object& inputs = in.object(in.field(cost, "inputs", "cost"), "cost.inputs");
  std::string iw = "cost.inputs";
  c.cost.price_per_hour = input_from(in, inputs, "price_per_hour", iw);
  c.cost.servers = input_from(in, inputs, "servers", iw);
  c.cost.requests_per_customer_per_hour =
      input_from(in, inputs, "requests_per_customer_per_hour", iw);
  c.cost.sessions_per_customer_per_hour =
      input_from(in, inputs, "sessions_per_customer_per_hour", iw);
  c.cost.peak_factor = input_from(in, inputs, "peak_factor", iw);
  c.cost.headroom = input_from(in, inputs, "headroom", iw);
  c.cost.customers = input_from(in, inputs, "customers", iw);
  c.cost.currency = in.text(inputs, "currency", iw);
  const json::value& figures = in.field(cost, "figures", "cost");
  if (!figures.is_null()) {
    CostReport report;
    const json::array& list = in.array(figures, "cost.figures");
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string where = "cost.figures[" + std::to_string(i) + "]";
      const json::object& f = in.object(list[i], where);
      report.figures.push_back({in.text(f, "what", where), in.real(f, "value", where),
                                in.text(f, "unit", where), in.text(f, "formula", where)});
    }
    for (const auto& a : in.array(in.field(cost, "assumptions", "cost"), "cost.assumptions")) {
      if (!a.is_string()) in.fail("cost.assumptions", "expected strings");
      report.assumptions.emplace_back(a.get_string());
    }
    c.cost_report = std::move(report);
  }
  return c;
}

void write_capacity_file(const std::string& path, const CapacityResult& result) {
  write_atomically(path, capacity_to_json(result));
}

bool is_capacity_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) return false;
  const json::value* schema = doc.get_object().if_contains("schema");
  return schema && schema->is_string() && schema->get_string() == kSchemaName;
}

CapacityResult read_capacity_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultFileError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return capacity_from_json(text.str(), path);
}

}  // namespace nest::host
