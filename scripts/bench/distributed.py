#!/usr/bin/env python3
"""What distribution costs (issue 14), three benchmarks against a local nginx:

1. processes: `--processes 2` against one process with `--threads 2`, the fast transport and
   50 users with no wait, nest-host pinned to CPU 1 and nginx (one worker) to CPU 0: requests
   per generator CPU-second (user + system of nest-host and every process it waited for, from
   wait4), interleaved rounds, medians. Goal: within 10 % of each other.
2. master: 200 stub workers (bench_stub_workers: one process speaking the real protocol, each
   stub reporting 50 request rows a second) against a master pinned to CPU 1; the master's CPU
   over 10 s of the steady run (from /proc/PID/stat), and its merged total against what the
   stubs reported. Goal: under 25 % of one core, and exact.
3. scale: 100,000 users each waiting 5-10 s between requests, as `--processes auto` (as many
   processes as this machine's open-file limit needs), against nginx with 6 workers (each
   process has its own file limit) logging every request: the achieved rate over 30 s of the
   steady run against 100,000 / 7.5 s, the resident memory of all nest-host processes per user,
   and the merged count against nginx's access log. Goals: within 3 %, <= 16 KiB, equal.
4. shared: 50 users calling the run's shared data back to back (bench_shared_calls: a
   counter's add, a claim and release of a row), as `--processes 2` (the master serves the data
   to both over a local socket) against one process with `--threads 2` (the data in-process):
   calls a second, the median call, the master's CPU, and the counter at the end against the
   adds measured; then one user on each worker calling every 10 ms, for one round trip's cost
   on a machine at rest. No peer tool has shared claims to compare with: the peer is Nest in one
   process, and what a round trip to the master costs is the ratio.

Usage: scripts/bench/distributed.py [--only processes|master|scale|shared] [--repeat 3]
       [--build build]
Needs nginx (scripts/bench/run.sh installs it) and the targets nest-host, bench_nowait,
bench_patient, bench_idle, bench_stub_workers, bench_shared_calls.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import bench_support

TICKS = os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = os.times()
    return r.children_user + r.children_system


def requests_in(result_file):
    with open(result_file) as f:
        return json.load(f)["aggregated"]["requests"]


def processes_round(build, url, seconds, users, processes):
    out = tempfile.mkdtemp() + "/run.json"
    cmd = ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--host", url,
           "--taskset-dir", f"{build}/bench_tasksets/nowait", "--threads", "2",
           "-u", str(users), "-r", "10000", "-t", f"{seconds}s", "--only-summary",
           "--transport", "fast", "--json", out]
    if processes:
        cmd += ["--processes", str(processes)]
    before = children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    cpu = children_cpu() - before
    if proc.returncode != 0:
        sys.exit(f"nest-host failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return requests_in(out) / cpu


def bench_processes(build, repeat):
    one, two = [], []
    with bench_support.Nginx(cpu=0) as nginx:
        for _ in range(repeat):
            one.append(processes_round(build, nginx.url, 10, 50, 0))
            two.append(processes_round(build, nginx.url, 10, 50, 2))
    a, b = statistics.median(one), statistics.median(two)
    print(f"processes: one process, --threads 2: {a:,.0f} requests/CPU-s "
          f"(rounds {', '.join(f'{x:,.0f}' for x in one)})")
    print(f"processes: --processes 2 --threads 2: {b:,.0f} requests/CPU-s "
          f"(rounds {', '.join(f'{x:,.0f}' for x in two)}); ratio {b / a:.3f}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def bench_master(build, repeat, workers=200, rows=50, rate=10, run_s=20):
    for _ in range(repeat):
        work = tempfile.mkdtemp()
        url = f"ipc://{work}/master.ipc"
        master = subprocess.Popen(
            ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--master", "--bind", url,
             "--expect-workers", str(workers), "-H", "http://127.0.0.1:1", "--taskset-dir",
             f"{build}/bench_tasksets/idle", "-u", str(workers), "-r", str(workers), "-t",
             f"{run_s}s", "--only-summary", "--json", f"{work}/run.json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        stubs = subprocess.Popen(
            ["taskset", "-c", "0", f"{build}/bin/bench_stub_workers", url, str(workers), str(rows),
             str(rate)], stdout=subprocess.PIPE, text=True)
        time.sleep(6)  # joined, started, reporting
        c0, t0 = cpu_seconds(master.pid), time.monotonic()
        time.sleep(10)
        c1, t1 = cpu_seconds(master.pid), time.monotonic()
        reported = int(stubs.communicate()[0].split()[1])
        _, err = master.communicate()
        if master.returncode != 0:
            sys.exit(f"master failed ({master.returncode}): {err}")
        merged = requests_in(f"{work}/run.json")
        share = (c1 - c0) / (t1 - t0)
        print(f"master: {workers} workers x {rows} rows: {share * 100:.1f} % of one core "
              f"({share / workers * 100:.3f} % per worker); merged {merged:,} of {reported:,} "
              f"reported: {'exact' if merged == reported else 'NOT EXACT'}")


def all_rss_kib(root_pid):
    """VmRSS of a process and its children (the worker processes), in KiB."""
    total = bench_support.rss_kib(root_pid)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == root_pid:
                    total += bench_support.rss_kib(int(entry))
            except OSError:
                pass
    return total


def bench_scale(build, repeat, users=100_000, spawn=5000, run_s=75):
    for _ in range(repeat):
        work = tempfile.mkdtemp()
        log = f"{work}/access.log"
        with bench_support.Nginx(workers=6, access_log=log) as nginx:
            cmd = [f"{build}/bin/nest-host", "--yes", "--host", nginx.url, "--processes", "auto",
                   "--taskset-dir", f"{build}/bench_tasksets/patient", "--transport", "fast",
                   "-u", str(users), "-r", str(spawn), "-t", f"{run_s}s", "--only-summary",
                   "--json", f"{work}/run.json"]
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(run_s - 8)
            rss = all_rss_kib(proc.pid)
            out, err = proc.communicate()
            if proc.returncode != 0:
                sys.exit(f"nest-host failed ({proc.returncode}):\n{out}\n{err}")
            time.sleep(1)
        with open(f"{work}/run.json") as f:
            result = json.load(f)
        timeline = result["timeline"]
        spawned = users / spawn
        # 30 s of the steady run: from 10 s after the last spawn (every user has made its first
        # request and waited once), the master's seconds.
        window = [r for t, r in zip(timeline["t"], timeline["rps"]) if spawned + 12 <= t <= spawned + 42]
        rate = statistics.mean(window)
        ideal = users / 7.5
        with open(log) as f:
            served = sum(1 for _ in f)
        counted = result["aggregated"]["requests"]
        failures = result["aggregated"]["failures"]
        processes = len(result.get("workers", []))
        print(f"scale: {users:,} users as {processes} processes: {rate:,.0f} requests/s of "
              f"{ideal:,.0f} ({(rate / ideal - 1) * 100:+.1f} %), {rss / 1024:,.1f} MiB resident in "
              f"all = {rss / users:.1f} KiB per user; counted {counted:,}, nginx logged "
              f"{served:,}: {'equal' if counted == served else 'DIFFERENT'}; {failures} failed")


def shared_round(build, processes, users=50, run_s=10, pause_ms=None):
    work = tempfile.mkdtemp()
    env = dict(os.environ)
    if pause_ms:
        env["NEST_BENCH_PAUSE_MS"] = str(pause_ms)
    cmd = [f"{build}/bin/nest-host", "--yes", "--host", "http://127.0.0.1:1", "--taskset-dir",
           f"{build}/bench_tasksets/shared_calls", "--threads", "2", "-u", str(users), "-r",
           "1000", "-t", f"{run_s}s", "--stop-timeout", "5s", "--only-summary", "--json",
           f"{work}/run.json"]
    if processes:
        cmd += ["--processes", str(processes)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(4)
    c0, t0 = cpu_seconds(proc.pid), time.monotonic()  # the master's own (or the one process's)
    time.sleep(4)
    c1, t1 = cpu_seconds(proc.pid), time.monotonic()
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"nest-host failed ({proc.returncode}):\n{out}\n{err}")
    with open(f"{work}/run.json") as f:
        result = json.load(f)
    rows = {(r["method"], r["name"]): r for r in result["rows"]}
    add, claim = rows[("shared", "add")], rows[("shared", "claim+release")]
    final = [r["name"] for r in result["rows"] if r["method"] == "final"]
    exact = final == [f"adds={add['requests']}"]
    calls = (add["requests"] + claim["requests"]) / result["run"]["elapsed_s"]
    return (calls, add["figures"]["median_ms"], claim["figures"]["median_ms"],
            (c1 - c0) / (t1 - t0), exact)


def bench_shared(build, repeat):
    local, remote = [], []
    for _ in range(repeat):
        local.append(shared_round(build, 0))
        remote.append(shared_round(build, 2))
    for name, rounds in (("one process, --threads 2", local), ("--processes 2", remote)):
        print(f"shared: {name}: {statistics.median(r[0] for r in rounds):,.0f} calls/s, median add "
              f"{statistics.median(r[1] for r in rounds):.3f} ms, claim+release "
              f"{statistics.median(r[2] for r in rounds):.3f} ms; {'the master' if rounds is remote else 'it'} "
              f"used {statistics.median(r[3] for r in rounds) * 100:.0f} % of a core; counter exact in "
              f"{sum(r[4] for r in rounds)} of {len(rounds)}")
    print(f"shared: ratio --processes 2 / one process: "
          f"{statistics.median(r[0] for r in remote) / statistics.median(r[0] for r in local):.3f}")
    # At rest: one user on each worker, a call every 10 ms: what one round trip costs.
    rest = [shared_round(build, 2, users=2, pause_ms=10) for _ in range(repeat)]
    print(f"shared: --processes 2, 2 users pausing 10 ms: median add "
          f"{statistics.median(r[1] for r in rest):.3f} ms, claim+release "
          f"{statistics.median(r[2] for r in rest):.3f} ms; counter exact in "
          f"{sum(r[4] for r in rest)} of {len(rest)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["processes", "master", "scale", "shared"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", default="build")
    args = parser.parse_args()
    if args.only in (None, "processes"):
        bench_processes(args.build, args.repeat)
    if args.only in (None, "master"):
        bench_master(args.build, args.repeat)
    if args.only in (None, "scale"):
        bench_scale(args.build, args.repeat)
    if args.only in (None, "shared"):
        bench_shared(args.build, args.repeat)


if __name__ == "__main__":
    main()
