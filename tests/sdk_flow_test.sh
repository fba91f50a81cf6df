#!/usr/bin/env bash
# The author's loop with nothing from Nest's source tree: install Nest into a temporary prefix,
# scaffold a taskset with nest-sdk, build it with find_package(Nest), let nest-host discover it
# and run it for 2 s against the demo target, and check Nest's counts against the server's.
# Usage: sdk_flow_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d /tmp/nest-sdk-flow-XXXXXX)
target_pid=""
cleanup() { [ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
bin="$work/prefix/bin"
for f in nest-host nest-sdk nest-demo-target; do [ -x "$bin/$f" ] || fail "$f not installed"; done
[ -f "$work/prefix/include/nest/nest.h" ] || fail "SDK headers not installed"

# Bad names and existing folders are refused, with nothing written.
if "$bin/nest-sdk" new 9lives --dir "$work/bad" 2>"$work/err"; then fail "accepted 9lives"; fi
grep -q "must start with a letter" "$work/err" || fail "unclear error: $(cat "$work/err")"
[ ! -e "$work/bad" ] || fail "wrote a folder for a bad name"

"$bin/nest-sdk" new ShopperFlow --dir "$work/ShopperFlow" >/dev/null
for f in CMakeLists.txt ShopperFlow.cpp README.md; do
  [ -f "$work/ShopperFlow/$f" ] || fail "scaffold lacks $f"
done
if "$bin/nest-sdk" new ShopperFlow --dir "$work/ShopperFlow" 2>"$work/err"; then
  fail "overwrote an existing folder"
fi
grep -q "already exists" "$work/err" || fail "unclear error: $(cat "$work/err")"

cmake -S "$work/ShopperFlow" -B "$work/ShopperFlow/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  >/dev/null
cmake --build "$work/ShopperFlow/build" >/dev/null
mkdir -p "$work/tasksets/nested"
cp "$work/ShopperFlow/build/tasksets/ShopperFlow.so" "$work/tasksets/nested/"

"$bin/nest-host" --list --taskset-dir "$work/tasksets" >"$work/list"
grep -q "^ShopperFlow  (weight 1)" "$work/list" || fail "not discovered: $(cat "$work/list")"
grep -q "browse" "$work/list" || fail "tasks not listed"

"$bin/nest-demo-target" --port 0 >"$work/target.log" &
target_pid=$!
for _ in $(seq 100); do grep -q "^listening on" "$work/target.log" && break; sleep 0.05; done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/target.log")
[ -n "$port" ] || fail "demo target did not start"

"$bin/nest-host" --yes --taskset-dir "$work/tasksets" -H "http://127.0.0.1:$port" -u 3 -r 10 \
  -t 2s --stop-timeout 5s --only-summary --csv "$work/run" >"$work/out" 2>&1 ||
  fail "nest-host exited $?: $(cat "$work/out")"

nest_logins=$(awk -F, '$1=="POST" && $2=="/login" {print $3}' "$work/run_stats.csv")
nest_root=$(awk -F, '$1=="GET" && $2=="/" {print $3}' "$work/run_stats.csv")
stats=$(curl -s "http://127.0.0.1:$port/stats")
server_logins=$(echo "$stats" | sed -n 's/.*"POST \/login": \([0-9]*\).*/\1/p')
server_root=$(echo "$stats" | sed -n 's/.*"GET \/": \([0-9]*\).*/\1/p')
[ "${nest_logins:-0}" -ge 3 ] || fail "expected at least 3 logins, Nest counted ${nest_logins:-0}"
[ "$nest_logins" = "$server_logins" ] || fail "logins: Nest $nest_logins, server $server_logins"
[ "${nest_root:-0}" = "${server_root:-0}" ] || fail "GET /: Nest $nest_root, server $server_root"
echo "1 passed, 0 failed"
