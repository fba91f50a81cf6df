#!/usr/bin/env python3
"""Resident memory per waiting user: nest-host with N users that each wait 1-2 s per task.

nginx (one worker, CPU 0) is the target; nest-host runs on CPU 1. Its resident set (VmRSS) is
read once all users are spawned, for a small run (--base users) and a large one (--users); the
difference divided by the extra users is the cost of one waiting user. Also reports the
achieved request rate against the ideal users / 1.5 s.

Usage: scripts/bench/memory.py [--users 10000] [--base 100] [--build build] [--repeat 3]
                              [--transport fast|curl] [--processes 1]
"""
import argparse
import csv
import os
import statistics
import subprocess
import tempfile
import time

import bench_support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(url, users, build, threads, transport, run_s):
    prefix = tempfile.mkdtemp() + "/mem"
    rate = max(users // 4, 1)  # all spawned within ~4 s
    cmd = ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--host", url,
           "--taskset-dir", f"{build}/bench_tasksets/idle", "--threads", str(threads),
           "-u", str(users), "-r", str(rate), "-t", f"{run_s}s", "--only-summary",
           "--csv", prefix, "--transport", transport]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, prefix


def finish(proc, prefix):
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"nest-host failed ({proc.returncode}): {err}")
    # Achieved rate once everyone waits: requests completed over the last seconds of the
    # history (not its Requests/s column, which averages the last 10 s, spawning included).
    with open(prefix + "_stats_history.csv") as f:
        rows = [r for r in csv.DictReader(f) if r["Name"] == "Aggregated"][-6:-1]
    seconds = len(rows) - 1  # history rows come once a second, on the runner's 1 s ticks
    done = int(rows[-1]["Total Request Count"]) - int(rows[0]["Total Request Count"])
    total = bench_support.aggregated_row(prefix + "_stats.csv")
    return (done / seconds if seconds else 0.0), int(total["Failure Count"])


def sample(url, users, build, threads, transport, processes=1, run_s=20, at_s=14):
    """Total RSS (KiB), request rate and failures of `users` split over `processes`."""
    runs = [start(url, users // processes, build, threads, transport, run_s)
            for _ in range(processes)]
    time.sleep(at_s)
    rss = sum(bench_support.rss_kib(proc.pid) for proc, _ in runs)
    results = [finish(proc, prefix) for proc, prefix in runs]
    return rss, sum(r for r, _ in results), sum(f for _, f in results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--base", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build", default=f"{ROOT}/build")
    ap.add_argument("--transport", default="fast", choices=["fast", "curl"])
    ap.add_argument("--processes", type=int, default=1,
                    help="split the users over this many nest-host processes (each needs a "
                         "file descriptor per user, and the hard limit may be below --users)")
    args = ap.parse_args()
    per_user, rates = [], []
    with bench_support.Nginx(cpu=0) as target:
        for round_ in range(args.repeat):
            base, _, _ = sample(target.url, args.base, args.build, args.threads, args.transport)
            big, rate, failures = sample(target.url, args.users, args.build, args.threads,
                                         args.transport, args.processes)
            # Each process has the fixed cost the base run measured.
            kib = (big - args.processes * base) / (args.users - args.processes * args.base)
            per_user.append(kib)
            rates.append(rate)
            print(f"round {round_ + 1}: RSS {args.base} users {base} KiB, {args.users} users "
                  f"{big} KiB -> {kib:.1f} KiB/user; {rate:.0f} req/s "
                  f"(ideal {args.users / 1.5:.0f}); {failures} failures", flush=True)
    print(f"\nMedian: {statistics.median(per_user):.1f} KiB resident per waiting user; "
          f"{statistics.median(rates):.0f} req/s of an ideal {args.users / 1.5:.0f}")


if __name__ == "__main__":
    main()
