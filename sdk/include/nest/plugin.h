// nest/plugin.h — how a plugin exports its tasksets, and the ABI contract with nest-host.
//
// One line per taskset class, after its definition:
//
//     NEST_TASKSET(ExampleModel)
//
// The macro exports a Boost.DLL-compatible alias named `nest_taskset_<Class>` in the ELF section
// "nest". nest-host lists that section without running the plugin, checks kAbiVersion, and only
// then calls the factory. Several NEST_TASKSET lines in one plugin are fine.
#pragma once

#include <cstdint>
#include <type_traits>

#include "nest/taskset.h"

namespace nest {

// Bumped whenever a change to the SDK headers breaks binary compatibility with built plugins.
// nest-host refuses a plugin whose version differs, naming both versions.
inline constexpr std::uint32_t kAbiVersion = 2;  // 2: TaskSet::transport(), Response recycling

namespace detail {

// What NEST_TASKSET exports, once per taskset class. Plain data: read by the host before any
// plugin code runs. The factory returns a new object owned by the caller (delete through
// TaskSet's virtual destructor, in the host, while the library stays loaded).
struct TasksetExport {
  std::uint32_t abi_version;            // kAbiVersion the plugin was built with
  const char* name;                     // the class name, the taskset's identity
  TaskSet* (*create)(const Host* host); // never returns null; may throw
};

template <typename T>
TaskSet* create_taskset(const Host* host) {
  install_host(host);
  return new T();
}

}  // namespace detail
}  // namespace nest

#if defined(_WIN32)
#define NEST_DETAIL_EXPORT __declspec(dllexport)
#define NEST_DETAIL_SECTION
#else
#define NEST_DETAIL_EXPORT __attribute__((visibility("default")))
#define NEST_DETAIL_SECTION __attribute__((section("nest"), used))
#endif

// Exports `Class` (a nest::TaskSet with a default constructor) from this plugin.
#define NEST_TASKSET(Class)                                                                    \
  static_assert(std::is_base_of_v<::nest::TaskSet, Class>,                                     \
                #Class " must derive from nest::TaskSet");                                     \
  static const ::nest::detail::TasksetExport nest_detail_export_##Class = {                    \
      ::nest::kAbiVersion, #Class, &::nest::detail::create_taskset<Class>};                    \
  extern "C" NEST_DETAIL_EXPORT const void* nest_taskset_##Class;                              \
  NEST_DETAIL_SECTION const void* nest_taskset_##Class = &nest_detail_export_##Class;
