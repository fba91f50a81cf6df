#!/usr/bin/env python3
"""Requests per generator CPU-second: Nest beside wrk and Locust, in one run.

nginx (one worker, pinned to CPU 0) serves a 100-byte body on loopback; each generator is
pinned to CPU 1 and drives it with 50 connections/users and no wait. The generator's CPU time
(user + system, from wait4) divides the requests it completed. Each tool runs --repeat times,
interleaved; the medians and their ratios are printed, and with --markdown as a table.

Nest runs twice: with the fast transport (Beast) and with the curl transport.

With --baseline OTHER_BUILD, the fast transport of another build (an earlier commit, built in
its own tree) runs in the same rounds too, and the ratio of the two is printed: a change must
not cost the fast transport more than its stated margin (see docs/benchmarks.md).

Usage: scripts/bench/throughput.py [--seconds 10] [--repeat 3] [--users 50] [--build build]
                                   [--baseline OTHER_BUILD] [--no-locust] [--no-curl]
Needs: nginx, wrk, python3-locust, python3-geventhttpclient (scripts/bench/run.sh installs them).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import bench_support

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def children_cpu():
    """CPU seconds (user + system) of every child waited for so far, descendants included."""
    r = os.times()
    return r.children_user + r.children_system


def measure(cmd, parse, cwd=None):
    """Runs cmd; returns (requests it reports, its CPU seconds, wall seconds)."""
    before = children_cpu()
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.monotonic() - started
    out, err, code = proc.stdout, proc.stderr, proc.returncode
    cpu = children_cpu() - before
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({code}):\n{out}\n{err}")
    requests = parse(out, err)
    return requests, cpu, wall


def wrk(url, seconds, users):
    def parse(out, _):
        m = re.search(r"(\d+) requests in", out)
        return int(m.group(1))
    return measure(["taskset", "-c", "1", "wrk", "-t1", f"-c{users}", f"-d{seconds}s", url], parse)


def nest(url, seconds, users, build, transport):
    prefix = tempfile.mkdtemp() + "/nest"
    def parse(out, err):
        total = bench_support.aggregated_row(prefix + "_stats.csv")
        if int(total["Failure Count"]):
            sys.exit(f"nest-host saw failures:\n{out}\n{err}")
        return int(total["Request Count"])
    cmd = ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--host", url,
           "--taskset-dir", f"{build}/bench_tasksets/nowait", "--threads", "1",
           "-u", str(users), "-r", "10000", "-t", f"{seconds}s", "--only-summary",
           "--csv", prefix, "--transport", transport]
    return measure(cmd, parse)


def locust(url, seconds, users, user_class):
    prefix = tempfile.mkdtemp() + "/locust"
    def parse(out, err):
        return int(bench_support.aggregated_row(prefix + "_stats.csv")["Request Count"])
    # Debian's Locust lives in the system Python, whatever python3 comes first on PATH.
    cmd = ["taskset", "-c", "1", "/usr/bin/python3", "-m", "locust", "-f", f"{HERE}/locustfile.py",
           user_class, "--headless", "--host", url, "-u", str(users), "-r", str(users),
           "-t", f"{seconds}s", "--only-summary", "--csv", prefix, "--loglevel", "WARNING"]
    return measure(cmd, parse)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--build", default=f"{ROOT}/build")
    ap.add_argument("--no-locust", action="store_true", help="skip the two Locust runs")
    ap.add_argument("--no-curl", action="store_true", help="skip Nest's curl transport")
    ap.add_argument("--baseline", help="another build whose fast transport runs beside")
    args = ap.parse_args()

    tools = {
        "wrk": lambda url: wrk(url, args.seconds, args.users),
        "nest (fast)": lambda url: nest(url, args.seconds, args.users, args.build, "fast"),
    }
    if args.baseline:
        tools["baseline (fast)"] = lambda url: nest(url, args.seconds, args.users, args.baseline,
                                                    "fast")
    if not args.no_curl:
        tools["nest (curl)"] = lambda url: nest(url, args.seconds, args.users, args.build, "curl")
    if not args.no_locust:
        tools["locust FastHttpUser"] = lambda url: locust(url, args.seconds, args.users, "Fast")
        tools["locust HttpUser"] = lambda url: locust(url, args.seconds, args.users, "Slow")

    results = {name: [] for name in tools}
    with bench_support.Nginx(cpu=0) as target:
        for round_ in range(args.repeat):
            for name, run in tools.items():
                requests, cpu, wall = run(target.url)
                rate = requests / cpu if cpu > 0 else 0
                results[name].append(rate)
                print(f"round {round_ + 1} {name:22s} {requests:9d} requests  "
                      f"{cpu:6.2f} CPU-s  {wall:5.1f} s wall  {rate:9.0f} req/CPU-s", flush=True)

    med = {name: statistics.median(rates) for name, rates in results.items()}
    print("\nMedian requests per generator CPU-second "
          f"({args.repeat} rounds, {args.users} users, {args.seconds} s each):")
    print("| tool | req/CPU-s | nest (fast) ÷ tool | nest (curl) ÷ tool |")
    print("| --- | ---: | ---: | ---: |")
    for name, rate in med.items():
        fast = med["nest (fast)"] / rate if rate else 0
        curl = f"{med['nest (curl)'] / rate:.2f}" if rate and "nest (curl)" in med else "-"
        print(f"| {name} | {rate:,.0f} | {fast:.2f} | {curl} |")
    if args.baseline:
        per_round = [new / old for new, old in zip(results["nest (fast)"],
                                                    results["baseline (fast)"]) if old]
        print(f"\nfast transport, this build ÷ baseline: median of rates "
              f"{med['nest (fast)'] / med['baseline (fast)']:.3f}; per round "
              + ", ".join(f"{r:.2f}" for r in per_round))


if __name__ == "__main__":
    main()
