#!/usr/bin/env bash
# The first command on a fresh Debian 12 machine: installs what is missing, builds Nest and its
# example tasksets, starts the bundled demo target on a free loopback port, runs a 20 s load
# test against it with two thresholds, and leaves the results (HTML report, JSON, CSV) in
# results/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Everything `cmake --install build` needs, so the README's next steps work in order.
cmake --build build -j"$(nproc)" --target nest-host nest-demo-target nest-sdk example_model shop

mkdir -p results
log=results/demo-target.log
./build/bin/nest-demo-target --port 0 >"$log" 2>&1 &
target=$!
trap 'kill "$target" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "^listening on" "$log" && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
[ -n "$port" ] || { echo "quickstart: the demo target did not start:"; cat "$log"; exit 1; }

echo "Demo target on http://127.0.0.1:$port (pid $target)"
status=0
./build/bin/nest-host --yes --host "http://127.0.0.1:$port" --users 50 --spawn-rate 10 \
  --run-time 20s --csv results/quickstart --json results/quickstart.json \
  --html results/quickstart.html --threshold 'p95<500ms' --threshold 'fail_ratio<1%' || status=$?
kill "$target"
wait "$target" 2>/dev/null || true
trap - EXIT
echo
echo "Results: results/quickstart.html (open it in a browser), results/quickstart.json,"
echo "         results/quickstart_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv"
exit "$status"
