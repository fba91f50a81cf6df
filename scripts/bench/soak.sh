#!/usr/bin/env bash
# One long run of mixed load with users going up and down, to find leaks and lost counts.
#
# The example tasksets (tasksets/*.so: three tasksets, waits of 0.5-2 s, logins, carts,
# pacing, interrupts) run against nest-demo-target for DURATION, by stages that cycle every
# CYCLE minutes (10): up to PEAK users in 20 % of it, hold 30 %, down to PEAK/5 in 20 %, hold.
# nest-host's resident memory (VmRSS) is sampled every 10 s. At the end it reports:
#   - memory: after the first cycle (warm-up), the lowest and highest sample, the highest of
#     each cycle, and the slope of a least-squares line through the samples (MiB per hour):
#     flat means no leak;
#   - counts: the requests nest-host recorded plus those it cut at the end, against the
#     server's own count of the requests it answered: they must be equal.
# The demo target runs on CPU 0 and nest-host on CPU 1 (taskset), so that builds on the same
# machine disturb it less; this is a leak and count check, not a speed test.
#
# Usage: scripts/bench/soak.sh [--duration 60m] [--cycle 10] [--peak 1000] [--build build]
#                              [--tasksets DIR] [--transport curl|fast] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
duration=60m cycle=10 peak=1000 build="$root/build" tasksets="$root/tasksets" transport=curl
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --cycle) cycle="$2"; shift 2 ;;
    --peak) peak="$2"; shift 2 ;;
    --tasksets) tasksets="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --transport) transport="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "soak.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
  esac
done
out="${out:-$(mktemp -d /tmp/nest-soak.XXXXXX)}"
mkdir -p "$out"

# Whole cycles of stages that fill DURATION.
minutes=$(python3 -c "
import re, sys
m = re.fullmatch(r'(\d+)(m|h)', '$duration')
if not m: sys.exit('soak.sh: --duration takes minutes or hours: 60m, 1h')
print(int(m[1]) * (60 if m[2] == 'h' else 1))")
cycles=$(( (minutes + cycle - 1) / cycle ))
ramp=$(( cycle * 12 ))s hold=$(( cycle * 18 ))s  # 20 % and 30 % of the cycle
low=$(( peak / 5 ))
stages=""
for _ in $(seq "$cycles"); do
  stages+="$ramp:$peak, $hold:$peak, $ramp:$low, $hold:$low, "
done
stages="${stages%, }"

"$build/bin/nest-demo-target" --port 0 > "$out/target.log" 2>&1 &
target_pid=$!
nest_pid=""
cleanup() {
  [ -n "$nest_pid" ] && kill "$nest_pid" 2>/dev/null || true
  kill "$target_pid" 2>/dev/null || true
}
trap cleanup EXIT
taskset -cp 0 "$target_pid" > /dev/null
for _ in $(seq 50); do
  grep -q '^listening on' "$out/target.log" && break
  sleep 0.1
done
url="http://$(sed -n 's/^listening on //p' "$out/target.log")"

echo "soak: $cycles cycle(s) of $cycle min, $peak users at the top, $low at the bottom," \
     "$transport transport, against $url; results in $out"
# From $out, where no nest.ini can change the plan.
(cd "$out" && exec taskset -c 1 "$build/bin/nest-host" --yes -H "$url" --taskset-dir "$tasksets" \
  --stages "$stages" --transport "$transport" --threads 1 \
  --only-summary --csv "$out/soak" --json "$out/soak.json" > "$out/nest.log" 2>&1) &
nest_pid=$!
echo "seconds,rss_kib" > "$out/rss.csv"
start=$(date +%s)
while kill -0 "$nest_pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$nest_pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss" >> "$out/rss.csv"
  sleep 10
done
status=0
wait "$nest_pid" || status=$?
nest_pid=""
curl -s "$url/stats" > "$out/server_stats.json"
echo "nest-host exited with $status (see $out/nest.log)"

python3 - "$out" "$cycle" <<'EOF'
import csv, json, sys
out, cycle_s = sys.argv[1], int(sys.argv[2]) * 60
samples = [(int(r["seconds"]), int(r["rss_kib"])) for r in csv.DictReader(open(f"{out}/rss.csv"))]
after = [(t, kib) for t, kib in samples if t >= cycle_s] or samples  # the first cycle warms up
mib = lambda kib: kib / 1024
n = len(after)
mean_t = sum(t for t, _ in after) / n
mean_r = sum(k for _, k in after) / n
var = sum((t - mean_t) ** 2 for t, _ in after) or 1
slope = sum((t - mean_t) * (k - mean_r) for t, k in after) / var  # KiB per second
tops = {}
for t, kib in samples:
    tops[t // cycle_s] = max(tops.get(t // cycle_s, 0), kib)
print(f"memory: {len(samples)} samples; after warm-up lowest {mib(min(k for _, k in after)):.1f} MiB,"
      f" highest {mib(max(k for _, k in after)):.1f} MiB, slope {mib(slope) * 3600:+.2f} MiB/hour")
print("memory: highest per cycle: " +
      ", ".join(f"{mib(k):.1f}" for _, k in sorted(tops.items())) + " MiB")
result = json.load(open(f"{out}/soak.json"))
recorded = result["aggregated"]["requests"]
cut = sum(c["requests"] for c in result["cut"])
failures = result["aggregated"]["failures"]
server = json.load(open(f"{out}/server_stats.json"))
answered = server["total"]
print(f"counts: nest-host recorded {recorded} ({failures} failures) + cut {cut} = {recorded + cut};"
      f" the server answered {answered}: {'EQUAL' if recorded + cut == answered else 'DIFFERENT'}")
EOF
exit "$status"
