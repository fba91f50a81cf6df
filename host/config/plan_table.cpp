#include "config/plan_table.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "report/table_format.h"
#include "util/duration.h"

namespace nest::host {

void print_run_hooks(std::FILE* out, const Discovery& d) {
  for (const auto& h : d.run_hooks) {
    std::fprintf(out, "Run hooks %s  %s: on_test_start before the first user, on_test_stop after "
                 "the last\n", h.name.c_str(), h.plugin.c_str());
  }
}

void print_dependencies(std::FILE* out, const std::vector<DependencySpec>& deps) {
  if (deps.empty()) return;
  std::fprintf(out, "Dependencies, started in this order before the run and stopped after it:\n");
  std::size_t width = 0;
  for (const auto& d : deps) width = std::max(width, d.name.size());
  for (const auto& d : deps) {
    std::string ready = d.ready.empty() ? "ready once started"
                                        : "ready: " + d.ready + " within " + format_duration(d.timeout);
    std::fprintf(out, "  %-*s  %s  (%s; %s)\n", static_cast<int>(width), d.name.c_str(),
                 d.command.c_str(), ready.c_str(), d.where.c_str());
  }
}

void print_discovery(std::FILE* out, const Discovery& d, const RunSettings* run) {
  print_run_hooks(out, d);
  for (const auto& t : d.tasksets) {
    std::string fixed_users = t.type.fixed_count > 0
                            ? ", fixed " + std::to_string(t.type.fixed_count) +
                                  (t.type.fixed_count == 1 ? " user" : " users")
                            : "";
    std::fprintf(out, "%s  (weight %d%s%s)  %s\n", t.type.name.c_str(), t.type.weight,
                 fixed_users.c_str(), t.sequential ? ", sequential: tasks in order" : "",
                 t.type.plugin.c_str());
    auto runs = [&](const TaskInfo& task) {
      return task.weight > 0 && (!run || task_selected(task.tags, *run));
    };
    long total = 0;
    for (const auto& task : t.tasks) total += runs(task) ? task.weight : 0;
    for (const auto& task : t.tasks) {
      std::string tags;
      for (const auto& tag : task.tags) tags += (tags.empty() ? "  tags: " : ", ") + tag;
      std::string share = !runs(task) && task.weight > 0 ? "off (--tags)"
                          : t.sequential              ? "in order"
                                                      : fixed(total ? 100.0 * task.weight /
                                                                          static_cast<double>(total)
                                                                    : 0,
                                                              1) + "%";
      std::fprintf(out, "    %-24s weight %-4d %8s%s\n", task.name.c_str(), task.weight,
                   share.c_str(), tags.c_str());
    }
  }
}

void print_weights_table(std::FILE* out, const WeightResolution& weights, const RunSettings* run) {
  // The weights share the users beyond the fixed counts (all users, when every taskset has one).
  auto by_weight = [&](const WeightedTaskset& t) {
    return t.type.weight > 0 && t.type.fixed_count == 0;
  };
  long total = 0;
  for (const auto& t : weights.tasksets) total += by_weight(t) ? t.type.weight : 0;
  std::fprintf(out, "%-24s %6s %9s  %-32s %-16s%s\n", "Taskset", "Weight", "Share", "Plugin",
               "Weight from", run ? " Transport" : "");
  for (const auto& t : weights.tasksets) {
    std::string share =
        t.type.weight <= 0 ? "off"
        : t.type.fixed_count > 0
            ? std::to_string(t.type.fixed_count) + (t.type.fixed_count == 1 ? " user" : " users")
        : total > 0 ? fixed(100.0 * t.type.weight / static_cast<double>(total), 1) + "%"
                    : "off";
    std::string transport;
    if (run) {
      transport = std::string(" ") + transport_name(transport_of(t.type, *run)) +
                  (t.type.transport == nest::Transport::kDefault ? "" : " (in code)");
    }
    std::fprintf(out, "%-24s %6d %9s  %-32s %-16s%s\n", t.type.name.c_str(), t.type.weight,
                 share.c_str(), t.type.plugin.c_str(), t.source.c_str(), transport.c_str());
  }
}

std::string describe_load_plan(const Options& o) {
  const RunSettings& r = o.run;
  if (o.capacity) {
    const CapacityPlan& c = *o.capacity;
    bool open = c.model == LoadModel::kOpen;
    std::string unit = open ? "/s" : " users";
    std::string slo;
    for (const auto& t : c.slo) slo += (slo.empty() ? "" : ", ") + t.text;
    return std::string("capacity search: ") + (open ? "arrivals" : "users") + " from " +
           fixed(c.search.start, c.search.start == std::floor(c.search.start) ? 0 : 2) + unit +
           (std::isfinite(c.search.ceiling) ? " up to " + fixed(c.search.ceiling, 0) + unit : "") +
           ", plateaus of " + std::to_string(c.warmup.count()) + " s warm-up + " +
           std::to_string(c.hold.count()) + " s hold (confirmation " +
           std::to_string(c.confirm_hold.count()) + " s), precision " +
           fixed(c.search.precision * 100, 1) + "%, service level " + slo;
  }
  if (!o.shape.empty()) return "load shape " + o.shape;
  std::string stages;
  for (const auto& s : r.stages) {
    stages += (stages.empty() ? "" : ", ") + fixed(s.duration.count() / 1000.0, 0) +
              "s:" + fixed(s.target, s.target == std::floor(s.target) ? 0 : 2) +
              (r.model == LoadModel::kOpen ? "/s" : "");
  }
  if (r.model == LoadModel::kClosed) {
    if (!stages.empty()) return "stages " + stages;
    return std::to_string(r.users) + " users at " + fixed(r.spawn_rate, 2) + "/s";
  }
  std::string how = r.arrivals == Arrivals::kPoisson ? "poisson" : "constant";
  std::string cap =
      r.max_users ? ", at most " + std::to_string(*r.max_users) + " at once" : std::string();
  if (!stages.empty()) return "sessions arriving by stages " + stages + " (" + how + cap + ")";
  return "sessions arriving " + fixed(r.arrival_rate, 2) + "/s (" + how + cap + ")";
}

void print_run_plan(std::FILE* out, const WeightResolution& weights, const Options& o) {
  print_weights_table(out, weights, &o.run);
  const auto& r = o.run;
  std::string run_time = o.capacity        ? "until the search ends"
                         : r.run_time      ? fixed(r.run_time->count() / 1000.0, 1) + " s"
                         : o.shape.empty() ? "until Ctrl-C"
                                           : "as the shape says";
  auto joined = [](const std::vector<std::string>& tags) {
    std::string text;
    for (const auto& t : tags) text += (text.empty() ? "" : ", ") + t;
    return text;
  };
  if (!r.tags.empty()) std::fprintf(out, "Tasks: only those tagged %s\n", joined(r.tags).c_str());
  if (!r.exclude_tags.empty()) {
    std::fprintf(out, "Tasks: none tagged %s\n", joined(r.exclude_tags).c_str());
  }
  std::fprintf(out, "\nHost %s, %s, run time %s, %u threads\n\n", r.transport.base_url.c_str(),
               describe_load_plan(o).c_str(), run_time.c_str(), r.threads);
}

}  // namespace nest::host
