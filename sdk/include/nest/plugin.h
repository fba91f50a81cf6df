// nest/plugin.h — how a plugin exports its tasksets, and its binary contract with nest-host.
//
// One line per taskset class, after its definition, at namespace scope, in any file of the
// plugin (several per file are fine):
//
//     NEST_TASKSET(ExampleModel)              // shown and weighed as "ExampleModel"
//     NEST_TASKSET(shop::Buyer)               // "Buyer": the class name, without namespaces
//     NEST_TASKSET(mobile::Buyer, "MobileBuyer")  // an explicit display name
//
// The display name is the taskset's identity: the weights table, nest.ini's [weights] and the
// exceptions report use it, and no two tasksets nest-host loads may share one (two Buyers in
// different namespaces need an explicit name for one of them). It is a key in nest.ini, so it
// has none of = : ; # [ ] and no spaces at its ends; nest-host refuses a plugin whose name
// does. The class needs a default constructor; it may live in any namespace, an anonymous one
// included.
//
// What a plugin must share with nest-host. Objects of the standard library (std::string,
// std::function, std::vector) and exceptions cross between them, so both sides must be built:
//   - for the same C++ ABI (Itanium's: GCC and Clang on Linux, either compiler for either side),
//   - against the same C++ standard library with the same string ABI (Debian's libstdc++ with
//     the C++11 ABI; libc++ and _GLIBCXX_USE_CXX11_ABI=0 are other runtimes),
//   - as C++20 or later,
//   - with this SDK's kAbiVersion.
// A plugin that differs in any of these is refused when nest-host loads it, with a message that
// names both sides (the ABI versions, or the runtimes and compilers), and none of its tasksets
// runs. (C++20 is checked when the plugin compiles: the SDK's headers need it.) A plugin
// built with a newer libstdc++ than nest-host's runtime fails to load naming the missing symbol
// version (GLIBCXX_3.4.x). nest_add_taskset() (sdk/cmake) sets C++20 and hidden visibility.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>

#include "nest/run_hooks.h"
#include "nest/shape.h"
#include "nest/taskset.h"

static_assert(__cplusplus >= 202002L, "the Nest SDK needs C++20 or later (CMAKE_CXX_STANDARD 20)");

namespace nest {

// Bumped whenever a change to the SDK headers changes what crosses the plugin boundary. nest-host
// refuses a plugin whose version differs, naming both versions. The compiler holds this number
// to the layouts it stands for: see the guard at the end of this file.
//   2: TaskSet::transport(), Response recycling
//   3: TasksetExport names its runtime and compiler and a display name (namespaced classes);
//      the host's part of Response moved into detail::ResponseControl; load shapes
//      (nest/shape.h, NEST_SHAPE)
//   4: task tags (TaskOptions), SequentialTaskSet, TaskSet::fixed_count, UserContext::record
//      (nest/measure.h) and UserContext::run_nested (TaskSet::enter), run hooks
//      (nest/run_hooks.h, NEST_RUN_HOOKS)
//   5: shared data (nest/shared.h: feeders and claims, counters, values): Host::shared, and
//      the virtual functions of detail::SharedData, FeederData and CounterData
inline constexpr std::uint32_t kAbiVersion = 5;

namespace detail {

// The runtime a plugin was built for (see "What a plugin must share" above): compared as a
// whole by nest-host. kCompiler only names the compiler in messages.
#if defined(_LIBCPP_VERSION)
#define NEST_DETAIL_STDLIB "libc++"
#elif defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
#define NEST_DETAIL_STDLIB "libstdc++ (C++11 string ABI)"
#elif defined(__GLIBCXX__)
#define NEST_DETAIL_STDLIB "libstdc++ (old string ABI)"
#else
#define NEST_DETAIL_STDLIB "an unknown C++ standard library"
#endif
#if defined(__GXX_ABI_VERSION)
#define NEST_DETAIL_CXX_ABI "Itanium C++ ABI"
#elif defined(_MSC_VER)
#define NEST_DETAIL_CXX_ABI "MSVC C++ ABI"
#else
#define NEST_DETAIL_CXX_ABI "an unknown C++ ABI"
#endif
#if defined(__clang__)
#define NEST_DETAIL_COMPILER "Clang " __clang_version__
#elif defined(__GNUC__)
#define NEST_DETAIL_COMPILER "GCC " __VERSION__
#else
#define NEST_DETAIL_COMPILER "an unknown compiler"
#endif
inline constexpr const char* kRuntime = NEST_DETAIL_CXX_ABI ", " NEST_DETAIL_STDLIB;
inline constexpr const char* kCompiler = NEST_DETAIL_COMPILER;

// What NEST_TASKSET records, once per taskset class. Plain data. `abi_version` comes first in
// every version, so any plugin's can be read. The factory returns a new object owned by the
// caller (deleted through TaskSet's virtual destructor, in the host, while the library stays
// loaded).
struct TasksetExport {
  std::uint32_t abi_version;             // kAbiVersion the plugin was built with
  const char* runtime;                   // its kRuntime
  const char* compiler;                  // its kCompiler
  const char* name;                      // the display name, the taskset's identity
  TaskSet* (*create)(const Host* host);  // never returns null; may throw
};

// The default display name: the class name as written, without its namespaces
// ("shop::Buyer" -> "Buyer"; template arguments keep theirs). A pointer into `written`.
constexpr const char* unqualified(const char* written) {
  const char* name = written;
  int depth = 0;  // inside <...>
  for (const char* p = written; *p; ++p) {
    if (*p == '<') ++depth;
    if (*p == '>') --depth;
    if (depth == 0 && p[0] == ':' && p[1] == ':') name = p + 2;
  }
  return name;
}

template <typename T>
TaskSet* create_taskset(const Host* host) {
  install_host(host);
  return new T();
}

// What NEST_SHAPE records, once per load shape class: as TasksetExport, with its factory.
struct ShapeExport {
  std::uint32_t abi_version;  // kAbiVersion the plugin was built with
  const char* runtime;        // its kRuntime
  const char* compiler;       // its kCompiler
  const char* name;           // the name --shape takes
  LoadShape* (*create)();     // never returns null; may throw
};

template <typename T>
LoadShape* create_shape() {
  return new T();
}

// What NEST_RUN_HOOKS records, once per class: as TasksetExport, with its factory.
struct RunHooksExport {
  std::uint32_t abi_version;              // kAbiVersion the plugin was built with
  const char* runtime;                    // its kRuntime
  const char* compiler;                   // its kCompiler
  const char* name;                       // the class name, for messages
  RunHooks* (*create)(const Host* host);  // never returns null; may throw
};

template <typename T>
RunHooks* create_run_hooks(const Host* host) {
  install_host(host);
  return new T();
}

}  // namespace detail
}  // namespace nest

#if !defined(__ELF__)
#error "Nest plugins are ELF shared objects (Linux): this platform is not supported"
#endif

// How a plugin's tasksets reach nest-host. Each NEST_TASKSET adds a pointer to its
// TasksetExport (a static of that translation unit) to the section "nest_tasksets"; the linker
// gathers them from every file of the plugin into one array and bounds it with
// __start_nest_tasksets and __stop_nest_tasksets (hidden: each plugin sees only its own). The
// plugin exports one symbol, nest_plugin_tasksets, that hands nest-host those bounds and its
// kAbiVersion; nest-host finds it in the file's symbol table before loading anything. Nothing is
// named after the class, so classes in namespaces, anonymous ones included, export alike.
extern "C" {
extern const nest::detail::TasksetExport* const __start_nest_tasksets[]
    __attribute__((weak, visibility("hidden")));
extern const nest::detail::TasksetExport* const __stop_nest_tasksets[]
    __attribute__((weak, visibility("hidden")));
extern const nest::detail::ShapeExport* const __start_nest_shapes[]
    __attribute__((weak, visibility("hidden")));
extern const nest::detail::ShapeExport* const __stop_nest_shapes[]
    __attribute__((weak, visibility("hidden")));
extern const nest::detail::RunHooksExport* const __start_nest_run_hooks[]
    __attribute__((weak, visibility("hidden")));
extern const nest::detail::RunHooksExport* const __stop_nest_run_hooks[]
    __attribute__((weak, visibility("hidden")));

// The plugin's entry points, one for tasksets and one for load shapes (section nest_shapes,
// NEST_SHAPE). Their signature is the same in every ABI version: each returns the version, and
// the bounds of the exports as untyped pointers, which nest-host reads only when the version
// is its own. Inline: every file with a NEST_TASKSET (NEST_SHAPE) has a copy and the linker
// keeps one (functions, not inline variables, which GCC would make one object for the process).
__attribute__((visibility("default"))) inline std::uint32_t nest_plugin_tasksets(
    const void* const** begin, const void* const** end) noexcept {
  *begin = reinterpret_cast<const void* const*>(__start_nest_tasksets);
  *end = reinterpret_cast<const void* const*>(__stop_nest_tasksets);
  return nest::kAbiVersion;
}
__attribute__((visibility("default"))) inline std::uint32_t nest_plugin_shapes(
    const void* const** begin, const void* const** end) noexcept {
  *begin = reinterpret_cast<const void* const*>(__start_nest_shapes);
  *end = reinterpret_cast<const void* const*>(__stop_nest_shapes);
  return nest::kAbiVersion;
}
// Run hooks (section nest_run_hooks, NEST_RUN_HOOKS; ABI 4 on).
__attribute__((visibility("default"))) inline std::uint32_t nest_plugin_run_hooks(
    const void* const** begin, const void* const** end) noexcept {
  *begin = reinterpret_cast<const void* const*>(__start_nest_run_hooks);
  *end = reinterpret_cast<const void* const*>(__stop_nest_run_hooks);
  return nest::kAbiVersion;
}
}

// Exports `Class` (a nest::TaskSet with a default constructor) from this plugin, under the
// display name `"Name"` when given, else the class name without its namespaces.
#define NEST_TASKSET(...)                                                          \
  NEST_DETAIL_PICK(__VA_ARGS__, NEST_DETAIL_TASKSET_NAMED, NEST_DETAIL_TASKSET_, ) \
  (__VA_ARGS__)
#define NEST_DETAIL_PICK(a, b, macro, ...) macro
#define NEST_DETAIL_TASKSET_(Class) \
  NEST_DETAIL_TASKSET_NAMED(Class, ::nest::detail::unqualified(#Class))
#define NEST_DETAIL_TASKSET_NAMED(Class, Name) NEST_DETAIL_TASKSET_AT(Class, Name, __COUNTER__)
#define NEST_DETAIL_CAT2(a, b) a##b
#define NEST_DETAIL_CAT(a, b) NEST_DETAIL_CAT2(a, b)
#define NEST_DETAIL_TASKSET_AT(Class, Name, id)                                                    \
  static_assert(std::is_base_of_v<::nest::TaskSet, Class>,                                         \
                #Class " must derive from nest::TaskSet");                                         \
  static_assert(std::is_default_constructible_v<Class>,                                            \
                #Class " needs a default constructor: nest-host builds one per user");             \
  static const ::nest::detail::TasksetExport NEST_DETAIL_CAT(nest_detail_export_, id) = {          \
      ::nest::kAbiVersion, ::nest::detail::kRuntime, ::nest::detail::kCompiler, Name,              \
      &::nest::detail::create_taskset<Class>};                                                     \
  __attribute__((                                                                                  \
      section("nest_tasksets"),                                                                    \
      used)) static const ::nest::detail::TasksetExport* const NEST_DETAIL_CAT(nest_detail_entry_, \
                                                                               id) =               \
      &NEST_DETAIL_CAT(nest_detail_export_, id);                                                   \
  __attribute__((used)) static auto* const NEST_DETAIL_CAT(nest_detail_entry_point_, id) =         \
      &nest_plugin_tasksets;

// Exports `Class` (a nest::LoadShape with a default constructor) from this plugin, for
// nest-host --shape NAME: NAME is `"Name"` when given, else the class name without its
// namespaces. See nest/shape.h.
#define NEST_SHAPE(...) \
  NEST_DETAIL_PICK(__VA_ARGS__, NEST_DETAIL_SHAPE_NAMED, NEST_DETAIL_SHAPE_, )(__VA_ARGS__)
#define NEST_DETAIL_SHAPE_(Class) \
  NEST_DETAIL_SHAPE_NAMED(Class, ::nest::detail::unqualified(#Class))
#define NEST_DETAIL_SHAPE_NAMED(Class, Name) NEST_DETAIL_SHAPE_AT(Class, Name, __COUNTER__)
#define NEST_DETAIL_SHAPE_AT(Class, Name, id)                                                    \
  static_assert(std::is_base_of_v<::nest::LoadShape, Class>,                                     \
                #Class " must derive from nest::LoadShape");                                     \
  static const ::nest::detail::ShapeExport NEST_DETAIL_CAT(nest_detail_shape_, id) = {           \
      ::nest::kAbiVersion, ::nest::detail::kRuntime, ::nest::detail::kCompiler, Name,            \
      &::nest::detail::create_shape<Class>};                                                     \
  __attribute__((section("nest_shapes"), used)) static const ::nest::detail::ShapeExport* const  \
      NEST_DETAIL_CAT(nest_detail_shape_entry_, id) = &NEST_DETAIL_CAT(nest_detail_shape_, id);  \
  __attribute__((used)) static auto* const NEST_DETAIL_CAT(nest_detail_shape_entry_point_, id) = \
      &nest_plugin_shapes;

// Exports `Class` (a nest::RunHooks with a default constructor) from this plugin: its
// on_test_start and on_test_stop run once per run. See nest/run_hooks.h.
#define NEST_RUN_HOOKS(Class) NEST_DETAIL_RUN_HOOKS_AT(Class, __COUNTER__)
#define NEST_DETAIL_RUN_HOOKS_AT(Class, id)                                                      \
  static_assert(std::is_base_of_v<::nest::RunHooks, Class>,                                       \
                #Class " must derive from nest::RunHooks");                                       \
  static const ::nest::detail::RunHooksExport NEST_DETAIL_CAT(nest_detail_hooks_, id) = {        \
      ::nest::kAbiVersion, ::nest::detail::kRuntime, ::nest::detail::kCompiler,                   \
      ::nest::detail::unqualified(#Class), &::nest::detail::create_run_hooks<Class>};             \
  __attribute__((section("nest_run_hooks"), used)) static const ::nest::detail::RunHooksExport*   \
      const NEST_DETAIL_CAT(nest_detail_hooks_entry_, id) = &NEST_DETAIL_CAT(nest_detail_hooks_, id); \
  __attribute__((used)) static auto* const NEST_DETAIL_CAT(nest_detail_hooks_entry_point_, id) =  \
      &nest_plugin_run_hooks;

// ---- The guard: kAbiVersion and the layouts it stands for ----
//
// What crosses the boundary: objects one side builds and the other reads, moves or destroys
// (TaskSet and its Tasks, WaitTime, Request and Options, Response and its ResponseControl, the
// Host table, TasksetExport, LoadShape's Step and ShapeExport). Their sizes, alignments and member
// offsets are recorded below for each version, on the platform nest-host is built for (LP64 Linux
// with libstdc++'s C++11 ABI; elsewhere the runtime check above refuses mismatches). A change to
// any of them fails here until kAbiVersion is bumped and a row for the new version is added. Rows
// are never edited: a layout that changed is a new version. (The order of virtual functions in
// TaskSet, Client, UserContext, ResponseSink and ResponseRecycler is part of the ABI too; the
// compiler cannot see it: add new virtual functions last, and bump.)
namespace nest::detail {

struct Layout {
  std::size_t size, align;
  std::size_t offsets[6];  // of the members named in AbiLayout, in order; unused are 0
  std::size_t sizes[6];    // of the same members
  constexpr bool operator==(const Layout&) const = default;
};

struct AbiLayouts {
  Layout task_set, task, wait_time, options, request, response, response_control, host,
      taskset_export, shape_step, shape_export, run_hooks_export;
  constexpr bool operator==(const AbiLayouts&) const = default;
};

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"  // polymorphic TaskSet: fine for GCC/Clang
#endif

#define NEST_DETAIL_M(T, m) \
  ::nest::detail::AbiLayout::Member { offsetof(T, m), sizeof(T::m) }
struct AbiLayout {
  struct Member {
    std::size_t offset, size;
  };
  template <typename T, std::size_t N>
  static constexpr Layout row(const Member (&members)[N]) {
    Layout layout{sizeof(T), alignof(T), {}, {}};
    for (std::size_t i = 0; i < N; ++i) {
      layout.offsets[i] = members[i].offset;
      layout.sizes[i] = members[i].size;
    }
    return layout;
  }
  static constexpr AbiLayouts current() {
    using T = TaskSet;
    using K = TaskSet::Task;
    using W = WaitTime;
    using O = Options;
    using Q = Request;
    using R = Response;
    using C = ResponseControl;
    using E = TasksetExport;
    using S = LoadShape::Step;
    using X = ShapeExport;
    using H = RunHooksExport;
    return {
        row<T>({NEST_DETAIL_M(T, weight_), NEST_DETAIL_M(T, wait_), NEST_DETAIL_M(T, tasks_),
                NEST_DETAIL_M(T, transport_), NEST_DETAIL_M(T, sequential_),
                NEST_DETAIL_M(T, fixed_count_)}),
        row<K>({NEST_DETAIL_M(K, weight), NEST_DETAIL_M(K, name), NEST_DETAIL_M(K, run),
                NEST_DETAIL_M(K, tags)}),
        row<W>({NEST_DETAIL_M(W, kind), NEST_DETAIL_M(W, low), NEST_DETAIL_M(W, high)}),
        row<O>({NEST_DETAIL_M(O, headers), NEST_DETAIL_M(O, query), NEST_DETAIL_M(O, timeout),
                NEST_DETAIL_M(O, name), NEST_DETAIL_M(O, catch_response)}),
        row<Q>({NEST_DETAIL_M(Q, method), NEST_DETAIL_M(Q, path), NEST_DETAIL_M(Q, body),
                NEST_DETAIL_M(Q, options)}),
        row<R>({NEST_DETAIL_M(R, status), NEST_DETAIL_M(R, body), NEST_DETAIL_M(R, headers),
                NEST_DETAIL_M(R, elapsed), NEST_DETAIL_M(R, error), NEST_DETAIL_M(R, control_)}),
        row<C>({NEST_DETAIL_M(C, sink), NEST_DETAIL_M(C, recycler), NEST_DETAIL_M(C, row),
                NEST_DETAIL_M(C, verdict), NEST_DETAIL_M(C, failure_message)}),
        row<Host>({NEST_DETAIL_M(Host, current_user), NEST_DETAIL_M(Host, shared)}),
        row<E>({NEST_DETAIL_M(E, abi_version), NEST_DETAIL_M(E, runtime),
                NEST_DETAIL_M(E, compiler), NEST_DETAIL_M(E, name), NEST_DETAIL_M(E, create)}),
        row<S>({NEST_DETAIL_M(S, users), NEST_DETAIL_M(S, spawn_rate)}),
        row<X>({NEST_DETAIL_M(X, abi_version), NEST_DETAIL_M(X, runtime),
                NEST_DETAIL_M(X, compiler), NEST_DETAIL_M(X, name), NEST_DETAIL_M(X, create)}),
        row<H>({NEST_DETAIL_M(H, abi_version), NEST_DETAIL_M(H, runtime),
                NEST_DETAIL_M(H, compiler), NEST_DETAIL_M(H, name), NEST_DETAIL_M(H, create)}),
    };
  }
};
#undef NEST_DETAIL_M
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#if defined(__LP64__) && defined(__linux__) && defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
// Index: kAbiVersion. Append a row for a new version; never edit one.
inline constexpr AbiLayouts kRecordedLayouts[] = {
    {},  // 0: none
    {},  // 1: not recorded (before the guard)
    {},  // 2: not recorded (before the guard)
    {
        // 3: {size, alignment, {member offsets}, {member sizes}}, members as in AbiLayout
        {72, 8, {8, 16, 40, 64}, {4, 24, 24, 4}},                   // TaskSet
        {72, 8, {0, 8, 40}, {4, 32, 32}},                           // TaskSet::Task
        {24, 8, {0, 8, 16}, {4, 8, 8}},                             // WaitTime
        {96, 8, {0, 24, 48, 56, 88}, {24, 24, 8, 32, 1}},           // Options
        {192, 8, {0, 32, 64, 96}, {32, 32, 32, 96}},                // Request
        {160, 8, {0, 8, 40, 64, 72, 104}, {4, 32, 24, 8, 32, 56}},  // Response
        {56, 8, {0, 8, 16, 20, 24}, {8, 8, 4, 4, 32}},              // ResponseControl
        {8, 8, {0}, {8}},                                           // Host
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // TasksetExport
        {16, 8, {0, 8}, {8, 8}},                                    // LoadShape::Step
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // ShapeExport
        {},                                                         // (no run hooks yet)
    },
    {
        // 4: Task gains its tags, TaskSet whether it is sequential and its fixed count (and
        // UserContext::record and
        // run_nested, virtual functions added last, which no layout shows)
        {80, 8, {8, 16, 40, 64, 68, 72}, {4, 24, 24, 4, 1, 4}},     // TaskSet
        {96, 8, {0, 8, 40, 72}, {4, 32, 32, 24}},                   // TaskSet::Task
        {24, 8, {0, 8, 16}, {4, 8, 8}},                             // WaitTime
        {96, 8, {0, 24, 48, 56, 88}, {24, 24, 8, 32, 1}},           // Options
        {192, 8, {0, 32, 64, 96}, {32, 32, 32, 96}},                // Request
        {160, 8, {0, 8, 40, 64, 72, 104}, {4, 32, 24, 8, 32, 56}},  // Response
        {56, 8, {0, 8, 16, 20, 24}, {8, 8, 4, 4, 32}},              // ResponseControl
        {8, 8, {0}, {8}},                                           // Host
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // TasksetExport
        {16, 8, {0, 8}, {8, 8}},                                    // LoadShape::Step
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // ShapeExport
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // RunHooksExport
    },
    {
        // 5: Host gains `shared` (nest/shared.h)
        {80, 8, {8, 16, 40, 64, 68, 72}, {4, 24, 24, 4, 1, 4}},     // TaskSet
        {96, 8, {0, 8, 40, 72}, {4, 32, 32, 24}},                   // TaskSet::Task
        {24, 8, {0, 8, 16}, {4, 8, 8}},                             // WaitTime
        {96, 8, {0, 24, 48, 56, 88}, {24, 24, 8, 32, 1}},           // Options
        {192, 8, {0, 32, 64, 96}, {32, 32, 32, 96}},                // Request
        {160, 8, {0, 8, 40, 64, 72, 104}, {4, 32, 24, 8, 32, 56}},  // Response
        {56, 8, {0, 8, 16, 20, 24}, {8, 8, 4, 4, 32}},              // ResponseControl
        {16, 8, {0, 8}, {8, 8}},                                    // Host
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // TasksetExport
        {16, 8, {0, 8}, {8, 8}},                                    // LoadShape::Step
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // ShapeExport
        {40, 8, {0, 8, 16, 24, 32}, {4, 8, 8, 8, 8}},               // RunHooksExport
    },
};
static_assert(kAbiVersion < std::size(kRecordedLayouts),
              "kAbiVersion was bumped: record the new version's layouts in kRecordedLayouts");
inline constexpr AbiLayouts kLayouts = AbiLayout::current();
inline constexpr const AbiLayouts& kRecorded = kRecordedLayouts[kAbiVersion];
#define NEST_DETAIL_GUARD(member, type)                               \
  static_assert(kLayouts.member == kRecorded.member,                  \
                "the layout of " type                                 \
                " changed, and it crosses the plugin boundary: bump " \
                "kAbiVersion and append the new layouts to kRecordedLayouts (nest/plugin.h)");
NEST_DETAIL_GUARD(task_set, "nest::TaskSet")
NEST_DETAIL_GUARD(task, "nest::TaskSet::Task")
NEST_DETAIL_GUARD(wait_time, "nest::WaitTime")
NEST_DETAIL_GUARD(options, "nest::Options")
NEST_DETAIL_GUARD(request, "nest::Request")
NEST_DETAIL_GUARD(response, "nest::Response")
NEST_DETAIL_GUARD(response_control, "nest::detail::ResponseControl")
NEST_DETAIL_GUARD(host, "nest::detail::Host")
NEST_DETAIL_GUARD(taskset_export, "nest::detail::TasksetExport")
NEST_DETAIL_GUARD(shape_step, "nest::LoadShape::Step")
NEST_DETAIL_GUARD(shape_export, "nest::detail::ShapeExport")
NEST_DETAIL_GUARD(run_hooks_export, "nest::detail::RunHooksExport")
#undef NEST_DETAIL_GUARD
#endif

// The entry point keeps its signature in every version (its result says how to read the rest).
static_assert(std::is_same_v<decltype(&nest_plugin_tasksets),
                             std::uint32_t (*)(const void* const**, const void* const**) noexcept>,
              "nest_plugin_tasksets must keep its signature in every ABI version");
static_assert(std::is_same_v<decltype(&nest_plugin_shapes), decltype(&nest_plugin_tasksets)>,
              "nest_plugin_shapes must keep its signature in every ABI version");
static_assert(std::is_same_v<decltype(&nest_plugin_run_hooks), decltype(&nest_plugin_tasksets)>,
              "nest_plugin_run_hooks must keep its signature in every ABI version");

}  // namespace nest::detail
