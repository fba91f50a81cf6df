#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang; ASan + UBSan) in build-fuzz and runs each
# for SECONDS (default 60): the INI reader, URLs, HTTP/1.1 responses, gzip bodies, cookies,
# result files, feeders' CSV files and a master's and workers' messages. Each starts from its
# kept seeds (tests/fuzz/corpus/<name>, read only) plus its working corpus in $NEST_FUZZ_WORK
# (default build-fuzz/fuzz-work), where new inputs go and stay for the next run; never into the
# repository.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    e.g. scripts/fuzz.sh 3600 http1
# Targets: ini url http1 inflate cookie result_json csv wire (default: all). Exits 1 when a target found
# a crash, a sanitizer report, a leak, a hang (-timeout=5) or too much memory; the reproducer's
# path is printed (run it again with ./build-fuzz/bin/fuzz_<name> <file>).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(ini url http1 inflate cookie result_json csv wire)
seconds=${1:-60}
[ $# -gt 0 ] && shift
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...] (targets: ${all[*]})" >&2
  exit 2
fi
targets=()
for t in "${@:-${all[@]}}"; do
  t=${t#fuzz_}
  if [[ " ${all[*]} " != *" $t "* ]]; then
    echo "scripts/fuzz.sh: no target '$t' (targets: ${all[*]})" >&2
    exit 2
  fi
  targets+=("$t")
done

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1  # as scripts/test.sh: hits from any clone
echo "== build (libFuzzer + ASan + UBSan, clang): ${targets[*]}"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DNEST_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEST_TASKSETS_DIR="$PWD/build-fuzz/tasksets" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

work=${NEST_FUZZ_WORK:-$PWD/build-fuzz/fuzz-work}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${targets[@]}"; do
  corpus="$work/$t/corpus" findings="$work/$t/findings" log="$work/$t/fuzz.log"
  mkdir -p "$corpus" "$findings"
  args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$findings/")
  [ -f "tests/fuzz/$t.dict" ] && args+=(-dict="tests/fuzz/$t.dict")
  echo "== fuzz_$t (${seconds} s)"
  status=0
  ./build-fuzz/bin/"fuzz_$t" "${args[@]}" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  # The last status line: coverage (cov), features (ft), corpus size, speed.
  grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$log" | tail -1 || true
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    echo "fuzz_$t FOUND A PROBLEM (exit $status); log: $log"
    grep -E '^(==[0-9]+== ?ERROR|SUMMARY|.*runtime error|ERROR: libFuzzer)' "$log" | head -5 || true
    # What the target itself said before it aborted (its failed check names what broke).
    grep -B3 -m1 -E '^==[0-9]+== ?ERROR: libFuzzer' "$log" | grep -vE '^==[0-9]+==' || true
    unit=$(grep -oE 'Test unit written to .*' "$log" | sed 's/^Test unit written to //' | tail -1 || true)
    if [ -n "$unit" ]; then
      echo "  reproducer: $unit"
      # Its bytes too: a CI machine's files are gone once it ends, its log is not.
      echo "  its bytes (base64; decode with base64 -d >FILE):"
      head -c 4096 "$unit" | base64 -w 100 | sed 's/^/    /' || true
    fi
    echo "  run it again: ./build-fuzz/bin/fuzz_$t REPRODUCER"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "== fuzzing: nothing found (${targets[*]}, ${seconds} s each)"
