#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test; then builds and runs
# the suite again under AddressSanitizer + UndefinedBehaviorSanitizer, the engine's tests under
# ThreadSanitizer, and each fuzz target for 10 s (scripts/fuzz.sh). NEST_SKIP_SANITIZERS=1
# skips these three (for a quick local loop).
set -euo pipefail
cd "$(dirname "$0")/.."
# The HTML report tests (chromium); fuzzing (clang); a test's process that hangs shows its
# threads' stacks (gdb).
./scripts/install-deps.sh chromium clang libclang-rt-14-dev gdb
jobs=$(nproc)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so a fresh clone elsewhere still hits the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

echo "== build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
ctest --test-dir build --output-on-failure --timeout 300 -j"$jobs"

if [ "${NEST_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNEST_SANITIZE=address,undefined \
        -DNEST_TASKSETS_DIR="$PWD/build-asan/tasksets" >/dev/null
  cmake --build build-asan -j"$jobs"
  echo "== tests (ASan + UBSan)"
  ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure --timeout 600

  echo "== build (TSan, engine)"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DNEST_SANITIZE=thread \
        -DNEST_TASKSETS_DIR="$PWD/build-tsan/tasksets" >/dev/null
  cmake --build build-tsan -j"$jobs" --target engine_test engine_shared_test load_plan_test test_plugins \
        nest-demo-target
  echo "== engine tests (TSan)"
  TSAN_OPTIONS=second_deadlock_stack=1 \
    ctest --test-dir build-tsan -R '^Engine' --output-on-failure --timeout 600

  echo "== fuzzing (libFuzzer + ASan + UBSan, 10 s a target)"
  ./scripts/fuzz.sh 10
fi
