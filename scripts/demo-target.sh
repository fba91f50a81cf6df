# Sourced by the scripts that run against nest-demo-target (quickstart.sh, capacity-demo.sh):
#   start_demo_target LOG [ARGS...]
# starts ./build/bin/nest-demo-target on a free loopback port with ARGS, its output in LOG,
# waits until it listens, and sets `target` (its pid) and `port`; it is killed when the script
# exits. stop_demo_target stops it before then.
start_demo_target() {
  local log=$1
  shift
  ./build/bin/nest-demo-target --port 0 "$@" >"$log" 2>&1 &
  target=$!
  trap 'kill "$target" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do grep -q "^listening on" "$log" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
  [ -n "$port" ] || { echo "the demo target did not start:"; cat "$log"; exit 1; }
}

stop_demo_target() {
  kill "$target"
  wait "$target" 2>/dev/null || true
  trap - EXIT
}
