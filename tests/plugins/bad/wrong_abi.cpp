// Bad plugin: exports a taskset as NEST_TASKSET did in ABI version 2 (a `nest_taskset_<Class>`
// pointer to {version, name, factory}): a plugin built against an older SDK.
#include <nest/nest.h>

#include <cstdint>

class WrongAbi : public nest::TaskSet {
 public:
  WrongAbi() {
    task(1, "t", [] {});
  }
};

struct ExportV2 {
  std::uint32_t abi_version;
  const char* name;
  nest::TaskSet* (*create)(const nest::detail::Host*);
};
static const ExportV2 kExport = {2, "WrongAbi", &nest::detail::create_taskset<WrongAbi>};
extern "C" __attribute__((visibility("default"))) const void* nest_taskset_WrongAbi;
__attribute__((section("nest"), used)) const void* nest_taskset_WrongAbi = &kExport;
