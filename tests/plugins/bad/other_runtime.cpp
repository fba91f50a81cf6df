// Bad plugin: exports a taskset of this ABI version as NEST_TASKSET does, but says it was built
// for another C++ runtime (libc++), as a plugin built by a different toolchain would.
#include <nest/nest.h>

class OtherRuntime : public nest::TaskSet {
 public:
  OtherRuntime() {
    task(1, "t", [] {});
  }
};

static const nest::detail::TasksetExport kExport = {nest::kAbiVersion, "Itanium C++ ABI, libc++",
                                                    "Clang 17.0.6", "OtherRuntime",
                                                    &nest::detail::create_taskset<OtherRuntime>};
__attribute__((section("nest_tasksets"),
               used)) static const nest::detail::TasksetExport* const kEntry = &kExport;
__attribute__((used)) static auto* const kEntryPoint = &nest_plugin_tasksets;
