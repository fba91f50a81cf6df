// Whether this build runs under AddressSanitizer or ThreadSanitizer (GCC and clang spell it
// differently). Code that would fight a sanitizer — replacing its signal handlers, trimming
// the malloc it does not own — asks here.
#pragma once

namespace nest::host {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kUnderSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif
#else
inline constexpr bool kUnderSanitizer = false;
#endif

}  // namespace nest::host
