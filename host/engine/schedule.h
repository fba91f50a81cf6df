// A plan the run follows: what to aim at, from the start, and when the plan is over. The run
// asks at elapsed 0 and then whenever the schedule said to ask again; it never knows which plan
// it follows (fixed -u/-r, stages, a shape in a plugin; later a capacity search's plateaus).
//
// Thread-safety: called on the run's thread only.
#pragma once

#include <nest/shape.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/load_target.h"
#include "engine/run_plan.h"

namespace nest::host {

class Schedule {
 public:
  struct Step {
    std::optional<LoadTarget> target;  // aim at this from now on; none: keep the aim
    bool end = false;                  // the plan is over: the run stops (as -t ends it)
    // Ask again at this elapsed time; none: never (the run ends by -t or a signal).
    std::optional<std::chrono::duration<double>> next;
    std::string mark;     // where a new part of the plan begins ("stage 2: 100 users"), or empty
    std::string problem;  // the plan failed (a shape threw): reported, and the run stops
  };

  virtual ~Schedule() = default;
  virtual Step at(std::chrono::duration<double> elapsed) = 0;
};

// The plan of `settings`: its stages when it has any, else the fixed users and spawn rate
// (closed) or arrival rate (open).
std::unique_ptr<Schedule> make_schedule(const RunSettings& settings);

// The plan of a load shape from a plugin (nest/shape.h): `shape` is asked once a second. The
// schedule owns it.
std::unique_ptr<Schedule> shape_schedule(std::unique_ptr<nest::LoadShape> shape, std::string name);

// The total length of a plan of stages.
std::chrono::milliseconds stages_length(const std::vector<Stage>& stages);

}  // namespace nest::host
