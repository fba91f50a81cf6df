#!/usr/bin/env bash
# Installs the peers (nginx, wrk, Locust), builds Nest, and runs the benchmarks.
# Figures and how to read them: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-deps.sh nginx-light wrk python3-locust python3-geventhttpclient util-linux
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target nest-host bench_nowait bench_idle bench_patient \
    bench_stub_workers
python3 scripts/bench/throughput.py "$@"
python3 scripts/bench/memory.py --users 20000 --processes 2
python3 scripts/bench/distributed.py
