#include "engine/schedule.h"

#include <cmath>
#include <cstdio>

namespace nest::host {
namespace {

using Seconds = std::chrono::duration<double>;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// -u and -r, or --arrival-rate: one aim from the start.
class FixedSchedule final : public Schedule {
 public:
  explicit FixedSchedule(LoadTarget target) : target_(target) {}
  Step at(Seconds) override {
    if (given_) return {};
    given_ = true;
    return {target_, false, std::nullopt, {}, {}};
  }

 private:
  LoadTarget target_;
  bool given_ = false;
};

// k6's stages: each moves linearly from where the previous ended (0 before the first) to its
// target over its duration; the plan ends with the last.
class StagesSchedule final : public Schedule {
 public:
  StagesSchedule(std::vector<Stage> stages, LoadModel model)
      : stages_(std::move(stages)), model_(model) {}

  Step at(Seconds elapsed) override {
    Seconds start{0};
    double from = 0;
    for (std::size_t i = 0; i < stages_.size(); ++i) {
      const Stage& stage = stages_[i];
      Seconds end = start + Seconds(stage.duration);
      if (elapsed < end) {
        Step step;
        double seconds = Seconds(stage.duration).count();
        if (model_ == LoadModel::kClosed) {
          double rate = seconds > 0 ? std::abs(stage.target - from) / seconds : 0;
          step.target = UsersTarget{static_cast<std::uint64_t>(std::llround(stage.target)), rate};
        } else {
          step.target = ArrivalTarget{stage.target, Seconds(stage.duration)};
        }
        step.next = end;
        step.mark = "stage " + std::to_string(i + 1) + "/" + std::to_string(stages_.size()) + ": " +
                    number(from) + " to " + number(stage.target) +
                    (model_ == LoadModel::kClosed ? " users" : "/s") + " in " + number(seconds) +
                    " s";
        return step;
      }
      start = end;
      from = stage.target;
    }
    Step done;
    done.end = true;
    return done;
  }

 private:
  std::vector<Stage> stages_;
  LoadModel model_;
};

// A nest::LoadShape from a plugin, asked once a second.
class ShapeSchedule final : public Schedule {
 public:
  ShapeSchedule(std::unique_ptr<nest::LoadShape> shape, std::string name)
      : shape_(std::move(shape)), name_(std::move(name)) {}

  Step at(Seconds elapsed) override {
    Step step;
    std::optional<nest::LoadShape::Step> wanted;
    try {
      wanted = shape_->tick(elapsed);
    } catch (const std::exception& e) {
      step.problem = "load shape " + name_ + ": tick() threw: " + e.what();
    } catch (...) {
      step.problem = "load shape " + name_ + ": tick() threw a non-standard exception";
    }
    if (!step.problem.empty() || !wanted) {
      step.end = true;
      return step;
    }
    step.target = UsersTarget{wanted->users, wanted->spawn_rate};
    step.next = elapsed + std::chrono::seconds(1);
    if (!last_ || last_->users != wanted->users || last_->spawn_rate != wanted->spawn_rate) {
      step.mark = name_ + ": " + std::to_string(wanted->users) + " users at " +
                  number(wanted->spawn_rate) + "/s";
    }
    last_ = wanted;
    return step;
  }

 private:
  std::unique_ptr<nest::LoadShape> shape_;
  std::string name_;
  std::optional<nest::LoadShape::Step> last_;
};

}  // namespace

std::unique_ptr<Schedule> make_schedule(const RunSettings& settings) {
  if (!settings.stages.empty()) {
    return std::make_unique<StagesSchedule>(settings.stages, settings.model);
  }
  if (settings.model == LoadModel::kOpen) {
    return std::make_unique<FixedSchedule>(ArrivalTarget{settings.arrival_rate, Seconds(0)});
  }
  return std::make_unique<FixedSchedule>(UsersTarget{settings.users, settings.spawn_rate});
}

std::unique_ptr<Schedule> shape_schedule(std::unique_ptr<nest::LoadShape> shape, std::string name) {
  return std::make_unique<ShapeSchedule>(std::move(shape), std::move(name));
}

std::chrono::milliseconds stages_length(const std::vector<Stage>& stages) {
  std::chrono::milliseconds total{0};
  for (const auto& stage : stages) total += stage.duration;
  return total;
}

}  // namespace nest::host
