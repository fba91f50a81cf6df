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
. scripts/demo-target.sh
start_demo_target results/demo-target.log

echo "Demo target on http://127.0.0.1:$port (pid $target)"
status=0
./build/bin/nest-host --yes --host "http://127.0.0.1:$port" --users 50 --spawn-rate 10 \
  --run-time 20s --csv results/quickstart --json results/quickstart.json \
  --html results/quickstart.html --threshold 'p95<500ms' --threshold 'fail_ratio<1%' || status=$?
stop_demo_target
echo
echo "Results: results/quickstart.html (open it in a browser), results/quickstart.json,"
echo "         results/quickstart_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv"
exit "$status"
