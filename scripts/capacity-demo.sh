#!/usr/bin/env bash
# A capacity search against a system whose answer is known, after ./scripts/quickstart.sh:
# starts nest-demo-target as a bottleneck (4 service slots busy 5 ms per request: 800
# requests/s at most), searches for the most users of the example tasksets that keep p95 under
# 100 ms and failures under 1 %, prices the answer, and leaves results/capacity.html and
# results/capacity.json. Plateaus are short (3 s warm-up, 5 s hold) so that it takes about
# 2 minutes; a real system wants the defaults (15 s, 60 s): docs/capacity.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bin/nest-host ] || { echo "capacity-demo: run ./scripts/quickstart.sh first"; exit 2; }

mkdir -p results
. scripts/demo-target.sh
start_demo_target results/capacity-target.log --slots 4 --service-ms 5

echo "Demo target on http://127.0.0.1:$port: 4 slots x 5 ms, at most 800 requests/s"
status=0
./build/bin/nest-host capacity --yes --host "http://127.0.0.1:$port" \
  --steps users --start 100 --slo 'p95<100ms' --slo 'fail_ratio<1%' \
  --warmup 3s --plateau 5s --confirm 10s \
  --price-per-hour 0.40 --servers 1 --requests-per-customer-per-hour 60 --peak-factor 3 \
  --headroom 30% --customers 1000000 --currency USD \
  --json results/capacity.json --html results/capacity.html || status=$?
stop_demo_target
echo
echo "Results: results/capacity.html (open it in a browser), results/capacity.json"
exit "$status"
