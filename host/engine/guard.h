// The one door into plugin code: whatever a task or hook throws becomes an outcome or a counted
// exception tagged with the taskset and task names; nothing escapes into the engine.
#pragma once

#include <nest/taskset.h>

#include <boost/context/fiber.hpp>  // forced_unwind
#include <exception>
#include <string_view>

#include "stats/recorder.h"

namespace nest::host {

enum class Outcome {
  kDone,           // returned normally (or threw, and the exception was counted)
  kInterrupt,      // interrupt(): leave the taskset now
  kInterruptWait,  // interrupt(false): leave after the usual pause
  kStopped,        // nest::UserStopped: the test is over for this user
};

// `threw`, when given, is set to whether an exception was counted.
template <typename Fn>
Outcome call_guarded(Recorder& recorder, std::string_view taskset, std::string_view task, Fn&& fn,
                     bool* threw = nullptr) {
  try {
    fn();
    return Outcome::kDone;
  } catch (const nest::Interrupt& interrupt) {
    return interrupt.reschedule ? Outcome::kInterrupt : Outcome::kInterruptWait;
  } catch (const nest::UserStopped&) {
    return Outcome::kStopped;
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // the coroutine is being torn down: must reach its base
  } catch (const std::exception& e) {
    recorder.exception(taskset, task, e.what());
  } catch (...) {
    recorder.exception(taskset, task, "unknown exception (not derived from std::exception)");
  }
  if (threw) *threw = true;
  return Outcome::kDone;
}

}  // namespace nest::host
