// nest/detail/visibility.h — NEST_SDK_API: what must keep one identity across a plugin and
// nest-host (exception types, polymorphic classes), whatever visibility the plugin builds with.
#pragma once

#if defined(_WIN32)
#define NEST_SDK_API
#else
#define NEST_SDK_API __attribute__((visibility("default")))
#endif
