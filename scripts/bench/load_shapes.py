#!/usr/bin/env python3
"""Runs that change while they go, measured: an open-model arrival rate, and users up and down.

1. Arrivals: `--arrival-rate RATE/s` for SECONDS against nginx (one worker, CPU 0), with the
   OneShot taskset (one request, then interrupt()), the fast transport, one worker thread,
   nest-host pinned to CPU 1. Reports the achieved rate (sessions started / elapsed) against
   the target, the start lag (p50, p99, max), dropped arrivals, and nest-host's resident memory
   sampled every second: at 10 s and its most after 10 s (flat = no growth).
2. Up and down: USERS users (split over PROCESSES nest-hosts, each needs a file descriptor per
   user) waiting 1-2 s between requests, by stages '30s:N, 20s:N, 30s:0, 10s:0': resident memory
   before, at the top and once every user has left (removed users free what they held).

Usage: scripts/bench/load_shapes.py [--rate 5000] [--seconds 60] [--users 20000]
                                   [--processes 2] [--build build] [--skip-arrivals]
                                   [--skip-stages]
"""
import argparse
import json
import os
import subprocess
import tempfile
import threading
import time

import bench_support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class RssSampler:
    """Samples the summed VmRSS of some processes once a second, in a thread."""

    def __init__(self, procs):
        self.procs, self.samples, self.stop = procs, [], False
        self.thread = threading.Thread(target=self.run)
        self.start = time.monotonic()
        self.thread.start()

    def run(self):
        while not self.stop:
            total = 0
            for p in self.procs:
                try:
                    total += bench_support.rss_kib(p.pid)
                except OSError:
                    pass
            self.samples.append((time.monotonic() - self.start, total))
            time.sleep(1)

    def finish(self):
        self.stop = True
        self.thread.join()
        return self.samples


def arrivals(url, build, rate, seconds):
    out = tempfile.mkdtemp() + "/arrivals.json"
    cmd = ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--host", url,
           "--taskset-dir", f"{build}/bench_tasksets/oneshot", "--threads", "1",
           "--transport", "fast", "--arrival-rate", f"{rate}/s", "-t", f"{seconds}s",
           "--only-summary", "--json", out]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = RssSampler([proc])
    stdout, stderr = proc.communicate()
    samples = sampler.finish()
    if proc.returncode != 0:
        raise SystemExit(f"nest-host failed ({proc.returncode}):\n{stdout[-2000:]}\n{stderr}")
    result = json.load(open(out))
    started = result["sessions"]["started"]
    elapsed = result["run"]["elapsed_s"]
    lag = result["sessions"]["start_lag"]["figures"]
    at_10 = next(kib for t, kib in samples if t >= 10)
    most_after = max(kib for t, kib in samples if t >= 10)
    warnings = [line for line in stderr.splitlines() if "warning" in line]
    print(f"arrivals: target {rate}/s for {seconds} s: {started} sessions started in "
          f"{elapsed:.2f} s = {started / elapsed:.1f}/s ({started / elapsed / rate * 100:.2f} % of "
          f"the target), {result['sessions']['dropped']} dropped, "
          f"{result['aggregated']['requests']} requests, {result['aggregated']['failures']} "
          f"failed; start lag median {lag['median_ms']} ms, p99 {lag['p99_ms']} ms, max "
          f"{lag['max_ms']} ms; RSS at 10 s {at_10} KiB, most after {most_after} KiB "
          f"(+{most_after - at_10} KiB)", flush=True)
    for w in warnings:
        print("  " + w)


def up_and_down(url, build, users, processes):
    per = users // processes
    stages = f"30s:{per}, 20s:{per}, 30s:0, 10s:0"
    procs = []
    for _ in range(processes):
        cmd = ["taskset", "-c", "1", f"{build}/bin/nest-host", "--yes", "--host", url,
               "--taskset-dir", f"{build}/bench_tasksets/idle", "--threads", "1",
               "--transport", "fast", "--stages", stages, "--only-summary"]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True))
    sampler = RssSampler(procs)
    for p in procs:
        _, err = p.communicate()
        if p.returncode not in (0, 1):
            raise SystemExit(f"nest-host failed ({p.returncode}): {err}")
    samples = sampler.finish()
    before = next(kib for t, kib in samples if t >= 1)
    top = max(kib for t, kib in samples)
    after = [kib for t, kib in samples if 82 <= t <= 89]
    print(f"up and down: {users} users ({processes} x {per}), stages '{stages}': RSS at 1 s "
          f"{before} KiB, at the top {top} KiB ({(top - before) / users:.1f} KiB a user), with "
          f"every user gone (82-89 s) {min(after) if after else '?'} to "
          f"{max(after) if after else '?'} KiB", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=int, default=5000)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--build", default=f"{ROOT}/build")
    ap.add_argument("--skip-arrivals", action="store_true")
    ap.add_argument("--skip-stages", action="store_true")
    args = ap.parse_args()
    with bench_support.Nginx(cpu=0) as target:
        if not args.skip_arrivals:
            arrivals(target.url, args.build, args.rate, args.seconds)
        if not args.skip_stages:
            up_and_down(target.url, args.build, args.users, args.processes)


if __name__ == "__main__":
    main()
