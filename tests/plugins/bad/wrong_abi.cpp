// Bad plugin: exports a taskset the way NEST_TASKSET does, but claims another ABI version.
#include <nest/nest.h>

class WrongAbi : public nest::TaskSet {
 public:
  WrongAbi() { task(1, "t", [] {}); }
};

static const nest::detail::TasksetExport kExport = {999, "WrongAbi",
                                                    &nest::detail::create_taskset<WrongAbi>};
extern "C" __attribute__((visibility("default"))) const void* nest_taskset_WrongAbi;
__attribute__((section("nest"), used)) const void* nest_taskset_WrongAbi = &kExport;
