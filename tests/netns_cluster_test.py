#!/usr/bin/env python3
"""A distributed run over real links: a master and two workers, each in a network namespace of
its own, joined by veth pairs; one link taken down past the 5 s silence limit and brought back,
the other down for 3 s, under it (issue 14).

Usage: netns_cluster_test.py NEST_BIN_DIR TEST_TASKSETS_DIR     (TEST_TASKSETS_DIR: .../by_worker)
Exit 0 passed, 1 failed, 77 skipped ("skipped: <why>" on stdout): it needs root (CAP_SYS_ADMIN
and CAP_NET_ADMIN), the `ip` command (iproute2), and an `ip netns add` that works: a probe
namespace with a veth pair is made and deleted first. NEST_NETNS_FORCE_SKIP=1 makes the probe
fail (to see the skip path). Python 3 standard library only.

The network (10.203.0.0/16, used only inside the namespaces this test makes and deletes;
none of it is seen outside them, whatever the machine's own addresses):

    W1 nest-t<pid>-w1            M nest-t<pid>-m                   W2 nest-t<pid>-w2
    vw1 10.203.1.2/24 ---- vm1 10.203.1.1/24   vm2 10.203.2.1/24 ---- vw2 10.203.2.2/24
                           lo  10.203.0.1/32: nest-demo-target --bind 10.203.0.1
    route 10.203.0.1 via 10.203.1.1                      route 10.203.0.1 via 10.203.2.1

The demo target takes --bind, so it listens on 10.203.0.1 only: an address on M's loopback,
which each worker reaches through its own link (a route to it via M's end of the link; M needs
no forwarding, the address is its own). So every worker gets the same -H from the master, and
its requests to the target cross its link, like its reports. The master listens on
tcp://0.0.0.0:5557 in M (beyond loopback: with a key made by --make-cluster-key); each worker
dials M's end of its own link. Each request goes to /?w=PID and is named /w/PID
(tests/plugins/by_worker.cpp), so the server's --log and the master's rows say which worker
made it (`ip netns exec` execs the command: the pid is the one started here).

The plan: -u 4 -r 40 -t 22s, 2 users a worker. A link goes down at M's end (`ip link set vmN
down`: M's address stays and its route comes back with the link; the worker's end loses its
carrier and keeps its route).
  * W1's link down at 2.5 s for 9 s. Both sides go 5 s without a message: the master says W1
    is missing and moves its 2 users to W2; W1 says its master has been silent for 5 s, stops
    its run, writes its own result (--json) and exits 1. When the link is back, the reports W1
    queued (and its final one) reach the master.
  * W2's link down at 15 s for 3 s. Nothing may come of it: no "missing", no silence, every
    request counted. Why 3 s is safe: a connection whose packets could not leave during the
    outage sends again at its next write once the link is back (measured on Linux 6.x; the
    heartbeats and the reports are written once a second), so the longest silence either side
    sees is the outage rounded up to the next whole second after the last message: 4 s for
    3 s (5 s for 3.5 s, at the limit; with 4.2 s, W2 was taken for missing and stopped).
The workers use --transport fast (a worker's own setting): a connection per user, kept alive,
so an outage delays a user's request and fails none. With curl's pool (per thread, shared by
its users) a user that finds no idle connection during an outage opens one, and that connect
fails ~3 s later, ARP unanswered: "could not connect (No route to host)", in some runs and not
others, depending on how the users happened to share connections.

Checked: the master says W1 is missing and its share moves; W2 is never missing; the master
ends on time, exits 0, no request failed; W2's requests in the master's result equal the
server's log of W2's; W1's are at most the server's log of W1's (what W1 had answered after
its last report that arrived would not be counted); the users are 4 after W1 is missing; W1
exits 1 having said its master was silent and written its own result, whose count is at least
the master's for it and at most the server's; W2 exits 0, never judged its master silent and
wrote nothing of its own. And the users are 4 again once W1's link is back, its run over (its
final report moves its share back to W2: "ended its run early").

Clean-up, whatever happens: the processes (stopped here; started under `setpriv --pdeathsig
KILL` when setpriv exists, so they die with this script), the namespaces (their veth pairs go
with them) and the temp folder go in a finally; SIGTERM and SIGHUP end the test through it. A
run killed outright leaves namespaces nest-t<pid>-* and a folder <tmp>/nest-t<pid>-netns-*:
the next run removes those of runs no longer alive (and ends what still runs in them). The
first `ip netns add` on a machine makes /run/netns (mounted on itself): when this run (or the
killed run whose namespaces it removed) made it, it is unmounted and removed once empty.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
TAG = "nest-t"  # every namespace and temp folder of this test is named nest-t<pid>-...
LEFTOVER_NETNS = re.compile(r"^nest-t(\d+)-(?:m|w1|w2|probe)$")
LEFTOVER_DIR = re.compile(r"^nest-t(\d+)-netns-")
TARGET_IP = "10.203.0.1"  # on M's lo; each worker's namespace routes to it through its link
PORT = 8080  # the demo target's, in M (a namespace of its own: nothing else listens there)
MASTER_PORT = 5557

RUN_S = 22  # the master's -t
W1_DOWN_AT, W1_DOWN_FOR = 2.5, 9.0  # past the 5 s silence limit, on both sides
W2_DOWN_AT, W2_DOWN_FOR = 15.0, 3.0  # under it


T0 = time.monotonic()


def now():
    return time.monotonic() - T0


def say(text):
    print(f"[{now():6.2f}] {text}", flush=True)


IP = shutil.which("ip") or next(
    (p for p in ("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip") if os.access(p, os.X_OK)),
    None)
SETPRIV = shutil.which("setpriv")


def ip(*args, check=True):
    r = subprocess.run([IP, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=20)
    if check and r.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {(r.stderr or r.stdout).strip()} "
                           f"(exit {r.returncode})")
    return r


# --- leftovers, the probe, clean-up ----------------------------------------------------------

def is_this_test(pid):
    """Whether pid is a live run of this test (another may run: its things are left alone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"netns_cluster_test" in f.read()
    except OSError:
        return False


def netns_names():
    r = ip("netns", "list", check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def delete_netns(name):
    """Ends what still runs in it (only this test starts processes there), then deletes it;
    its veth ends go with it. True when it is gone."""
    for pid in ip("netns", "pids", name, check=False).stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ValueError, OSError):
            pass
    for _ in range(50):
        if not ip("netns", "pids", name, check=False).stdout.split():
            break
        time.sleep(0.1)
    ip("netns", "delete", name, check=False)
    return name not in netns_names()


def clean_leftovers():
    """What a run killed outright (a CTest timeout) left: its namespaces and temp folder."""
    removed = []
    for name in netns_names():
        m = LEFTOVER_NETNS.match(name)
        if m and int(m.group(1)) != os.getpid() and not is_this_test(int(m.group(1))):
            delete_netns(name)
            removed.append(name)
    namespaces = bool(removed)
    tmp = tempfile.gettempdir()
    for entry in os.listdir(tmp):
        m = LEFTOVER_DIR.match(entry)
        if m and int(m.group(1)) != os.getpid() and not is_this_test(int(m.group(1))):
            shutil.rmtree(os.path.join(tmp, entry), ignore_errors=True)
            removed.append(os.path.join(tmp, entry))
    if removed:
        say("removed the leftovers of an earlier run: " + ", ".join(removed))
    return namespaces


NETNS_DIR = "/run/netns"  # where `ip netns` keeps its names; it makes it (a bind mount) at need


def restore_netns_dir(existed):
    """`ip netns add` makes /run/netns, mounted on itself, the first time: when this run made
    it and it is empty again, it goes too (iproute2 makes it again when it needs it)."""
    if existed or not os.path.isdir(NETNS_DIR) or os.listdir(NETNS_DIR):
        return
    for _ in range(3):  # os.path.ismount misses a bind mount on the same file system
        with open("/proc/self/mountinfo") as f:
            if not any(line.split()[4] == NETNS_DIR for line in f):
                break
        subprocess.run(["umount", NETNS_DIR], capture_output=True, timeout=20)
    try:
        os.rmdir(NETNS_DIR)
    except OSError:
        pass


def probe():
    """Why this machine cannot run the test, or None."""
    if os.environ.get("NEST_NETNS_FORCE_SKIP") == "1":
        return "NEST_NETNS_FORCE_SKIP=1 (the network namespace probe made to fail)"
    if os.geteuid() != 0:
        return (f"not running as root (uid {os.geteuid()}): network namespaces and veth pairs "
                "need CAP_SYS_ADMIN and CAP_NET_ADMIN")
    if IP is None:
        return "no `ip` command (iproute2) on PATH or in /usr/sbin, /sbin"
    name = f"{TAG}{os.getpid()}-probe"
    r = ip("netns", "add", name, check=False)
    if r.returncode != 0:
        return f"`ip netns add {name}` failed: {(r.stderr or r.stdout).strip()}"
    why = None
    r = ip("-n", name, "link", "add", "pa", "type", "veth", "peer", "name", "pb", check=False)
    if r.returncode != 0:
        why = f"`ip link add ... type veth` failed in a namespace: {r.stderr.strip()}"
    if not delete_netns(name):
        why = f"`ip netns delete {name}` failed"
    return why


# --- processes -------------------------------------------------------------------------------

class Proc:
    """A process in a namespace, its output read as it comes, each line with its time."""

    def __init__(self, name, netns, argv, cwd):
        self.name, self.argv = name, argv
        self.lines = []
        self.cond = threading.Condition()
        self.ended_at = None
        wrap = [SETPRIV, "--pdeathsig", "KILL"] if SETPRIV else []  # dies with this script
        self.p = subprocess.Popen(wrap + [IP, "netns", "exec", netns, *argv], cwd=cwd,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, errors="replace")
        self.pid = self.p.pid  # setpriv and `ip netns exec` exec: the same process
        self.readers = [threading.Thread(target=self._read, args=(s, tag), daemon=True)
                        for s, tag in ((self.p.stdout, "out"), (self.p.stderr, "err"))]
        for t in self.readers + [threading.Thread(target=self._wait, daemon=True)]:
            t.start()

    def _wait(self):
        self.p.wait()
        self.ended_at = now()

    def _read(self, stream, tag):
        for line in stream:
            with self.cond:
                self.lines.append((now(), tag, line.rstrip("\n")))
                self.cond.notify_all()

    def wait_line(self, pattern, timeout):
        """The time of the first line matching pattern, waiting up to timeout s; None if none
        came in that time or before the process ended."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, _, text in self.lines:
                    if rx.search(text):
                        return t
                if time.monotonic() >= end or not any(r.is_alive() for r in self.readers):
                    return None
                self.cond.wait(0.1)

    def poll(self):
        """The exit code once it ended and its end time is known, else None."""
        return self.p.returncode if self.ended_at is not None else None

    def text(self, tag=None):
        with self.cond:
            return "\n".join(text for _, k, text in self.lines if tag is None or k == tag)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)
        for t in self.readers:
            t.join(2)

    def dump(self):
        print(f"--- {self.name} (pid {self.pid}, exit {self.p.returncode}): "
              f"{' '.join(self.argv)}")
        with self.cond:
            for t, tag, text in self.lines:
                print(f"  [{t:6.2f}] {tag}: {text}")


def wait_all(procs, deadline):
    """Waits until each ended or the deadline (this script's clock); their exit codes."""
    while now() < deadline and None in [p.poll() for p in procs]:
        time.sleep(0.05)
    return [p.poll() for p in procs]


# --- what the results say --------------------------------------------------------------------

def log_by_worker(path):
    """The server's --log: lines "GET /?w=PID", counted by PID."""
    out = {}
    with open(path, errors="replace") as f:
        for line in f:
            at = line.find("?w=")
            if at >= 0:
                pid = line[at + 3:].strip()
                out[pid] = out.get(pid, 0) + 1
    return out


def marks_with(result, text):
    return [m["t"] for m in result["timeline"]["marks"] if text in m["label"]]


def users_between(result, start, end):
    tl = result["timeline"]
    return [u for t, u in zip(tl["t"], tl["users"]) if start <= t <= end]


class Checks:
    def __init__(self):
        self.failed = 0

    def __call__(self, ok, what, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} - {what}" + (f": {detail}" if detail else ""), flush=True)
        if not ok:
            self.failed += 1
        return ok


# --- the test --------------------------------------------------------------------------------

def set_up(ns):
    """M joined to W1 and to W2 by a veth pair each; the target's address on M's lo."""
    m = ns["m"]
    for name in ns.values():
        ip("netns", "add", name)
        ip("-n", name, "link", "set", "lo", "up")
    ip("-n", m, "address", "add", f"{TARGET_IP}/32", "dev", "lo")
    for i in (1, 2):
        w = ns[f"w{i}"]
        # Made in M with its peer in W: nothing of it is ever in this machine's own namespace.
        ip("-n", m, "link", "add", f"vm{i}", "type", "veth", "peer", "name", f"vw{i}", "netns", w)
        ip("-n", m, "address", "add", f"10.203.{i}.1/24", "dev", f"vm{i}")
        ip("-n", w, "address", "add", f"10.203.{i}.2/24", "dev", f"vw{i}")
        ip("-n", m, "link", "set", f"vm{i}", "up")
        ip("-n", w, "link", "set", f"vw{i}", "up")
        ip("-n", w, "route", "add", f"{TARGET_IP}/32", "via", f"10.203.{i}.1")


def link(ns, i, state):
    ip("-n", ns["m"], "link", "set", f"vm{i}", state)
    say(f"link M <-> W{i} {state} (vm{i} in M)")


def sleep_until(t):
    time.sleep(max(0.0, t - now()))


def run_test(bin_dir, tasksets, ns, tmp, procs, check):
    nest_host = os.path.join(bin_dir, "nest-host")
    demo = os.path.join(bin_dir, "nest-demo-target")
    for path in (nest_host, demo):
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{path}: not found (build nest-host and nest-demo-target)")
    set_up(ns)
    say(f"namespaces {', '.join(ns.values())}: M 10.203.1.1 <-> W1 10.203.1.2, "
        f"M 10.203.2.1 <-> W2 10.203.2.2, target {TARGET_IP} on M's lo")

    access_log = os.path.join(tmp, "access.log")
    target = Proc("nest-demo-target (M)", ns["m"],
                  [demo, "--bind", TARGET_IP, "--port", str(PORT), "--log", access_log], tmp)
    procs.append(target)
    if target.wait_line(rf"^listening on {re.escape(TARGET_IP)}:{PORT}$", 10) is None:
        raise RuntimeError("the demo target did not say it listens")
    for w in ("w1", "w2"):  # reachable from each worker's namespace, through its link
        r = subprocess.run([IP, "netns", "exec", ns[w], sys.executable, "-c",
                            f"import socket; socket.create_connection(('{TARGET_IP}', {PORT}), 3)"
                            ".close()"], capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            raise RuntimeError(f"the target is not reachable from {ns[w]}: {r.stderr.strip()}")
    say(f"nest-demo-target listens on {TARGET_IP}:{PORT} in M, reachable from W1 and W2")

    key = os.path.join(tmp, "cluster.key")
    r = subprocess.run([nest_host, "--make-cluster-key", key], capture_output=True, text=True,
                       timeout=20)
    if r.returncode != 0:
        raise RuntimeError(f"nest-host --make-cluster-key: {r.stderr.strip()}")

    run_json = os.path.join(tmp, "run.json")
    master = Proc("master (M)", ns["m"],
                  [nest_host, "--yes", "--master", "--bind", f"tcp://0.0.0.0:{MASTER_PORT}",
                   "--cluster-key", key, "--expect-workers", "2", "--expect-workers-max-wait",
                   "20s", "-H", f"http://{TARGET_IP}:{PORT}", "--taskset-dir", tasksets,
                   "-u", "4", "-r", "40", "-t", f"{RUN_S}s", "--only-summary",
                   "--json", run_json], tmp)
    procs.append(master)
    if master.wait_line(r"^Master listening on", 15) is None:
        raise RuntimeError("the master did not say it listens")
    workers = {}
    for i in (1, 2):
        workers[i] = Proc(f"worker W{i} (W{i})", ns[f"w{i}"],
                          [nest_host, "--worker", "--master-host", f"10.203.{i}.1",
                           "--master-port", str(MASTER_PORT), "--cluster-key", key,
                           "--transport", "fast", "--taskset-dir", tasksets,
                           "--json", os.path.join(tmp, f"w{i}.json")],
                          tmp)
        procs.append(workers[i])
    planned = [workers[i].wait_line(r"^Worker \d of 2: 2 users at 20\.00/s", 25) for i in (1, 2)]
    if None in planned:
        raise RuntimeError("the workers did not both get their plan (2 users each)")
    start = max(planned) + 0.5  # the plan's start: half a second after it is sent
    say(f"the run starts (W1 is pid {workers[1].pid}, W2 pid {workers[2].pid})")

    sleep_until(start + W1_DOWN_AT)
    link(ns, 1, "down")
    sleep_until(start + W1_DOWN_AT + W1_DOWN_FOR)
    link(ns, 1, "up")
    sleep_until(start + W2_DOWN_AT)
    link(ns, 2, "down")
    sleep_until(start + W2_DOWN_AT + W2_DOWN_FOR)
    link(ns, 2, "up")

    m_code, w1_code, w2_code = wait_all([master, workers[1], workers[2]], start + RUN_S + 25)
    target.stop()
    for p in procs:
        p.dump()
    ended = {p.name: None if p.ended_at is None else round(p.ended_at - start, 1)
             for p in (master, workers[1], workers[2])}
    say(f"exit codes: master {m_code}, W1 {w1_code}, W2 {w2_code}; ended (s into the run): "
        f"{ended}")
    w1_result = workers[1].wait_line(r"^Result: ", 0)
    if w1_result is not None and workers[1].ended_at is not None:
        say(f"W1 exited {workers[1].ended_at - w1_result:.1f} s after writing its result")

    host = socket.gethostname()
    w1, w2 = f"{host}:{workers[1].pid}", f"{host}:{workers[2].pid}"
    p1, p2 = str(workers[1].pid), str(workers[2].pid)
    err = master.text("err")
    result = None
    if os.path.exists(run_json):
        with open(run_json) as f:
            result = json.load(f)
    print("\nChecks:", flush=True)

    # The master: W1 missing, its share moved; W2 never missing; the run ends on time.
    check(f"worker {w1} is missing: nothing from it for 5 s; what it reported so far is kept; "
          "its share (2 users at 20.00/s) moves to the others" in err,
          "the master says W1 is missing and its share (2 users) moves to the others")
    check(f"worker {w2} is missing" not in err,
          f"the master never says W2 is missing (its link was down {W2_DOWN_FOR:g} s)")
    check(master.ended_at is not None and master.ended_at - start <= RUN_S + 3,
          f"the master ends on time (a {RUN_S} s run: by {RUN_S + 3} s)",
          f"{ended[master.name]} s")
    if not check(result is not None, "the master wrote its result (--json)"):
        return
    check(m_code == 0 and result["aggregated"]["failures"] == 0,
          "the master exits 0, no request failed (an outage delays requests, fails none)",
          f"exit {m_code}, failed: {json.dumps(result['failures'])}")

    # Counts: the master's against the server's own log, by worker.
    counted = {r["name"][3:]: r["requests"] for r in result["rows"]
               if r["name"].startswith("/w/")}
    served = log_by_worker(access_log)
    say(f"requests by worker pid: the master counted {counted}, the server logged {served}")
    check(set(served) == {p1, p2}, "the server's log has requests of W1 and of W2",
          str(sorted(served)))
    check(counted.get(p2, 0) > 0 and counted.get(p2) == served.get(p2),
          "W2's requests in the master's result equal the server's log of W2's",
          f"{counted.get(p2)} counted, {served.get(p2)} served")
    check(0 < counted.get(p1, 0) <= served.get(p1, 0),
          "W1's requests in the master's result are at most the server's log of W1's",
          f"{counted.get(p1)} counted, {served.get(p1)} served")

    # The result's workers and timeline.
    by_name = {w["name"]: w for w in result.get("workers", [])}
    tl = result["timeline"]
    say("the result's workers: " + json.dumps(result.get("workers")))
    say("timeline marks: " + json.dumps(tl["marks"]))
    say("timeline users, s:users: " + ", ".join(
        f"{t:.1f}:{u}" for t, u in zip(tl["t"], tl["users"])))
    w2_rps = next((r["rps"] for r in tl["rows"] if r["name"] == f"/w/{p2}"), [])
    say("W2's requests/s (the master's clock): " + ", ".join(
        f"{t:.0f}:{r:.0f}" for t, r in zip(tl["t"], w2_rps)))
    check(by_name.get(w2, {}).get("events") == [] and by_name[w2]["final_report"] is True,
          "W2 in the result: no event, its final report in", str(by_name.get(w2)))
    w1_events = [e["event"] for e in by_name.get(w1, {}).get("events", [])]
    check(w1_events[:1] == ["missing"], "W1 in the result: its first event is 'missing'",
          str(by_name.get(w1)))
    missing = marks_with(result, f"worker {w1} missing")
    later = [t for t in marks_with(result, f"worker {w1} ") if missing and t > missing[0]]
    w1_up = W1_DOWN_AT + W1_DOWN_FOR
    if check(len(missing) == 1, "one 'missing' mark for W1 in the timeline", str(missing)):
        end = min(later + [w1_up]) - 0.5
        users = users_between(result, missing[0] + 1.5, end)
        check(bool(users) and all(u == 4 for u in users),
              f"the users are 4 (W2 runs W1's share too) from {missing[0] + 1.5:.1f} s to "
              f"{end:.1f} s", str(users))
    # W1's link is back at w1_up: the reports it queued and its final one reach the master.
    # Its run is over, so W2 should run all 4 users until the end.
    settled = max(later + [w1_up]) + 2
    users = users_between(result, settled, RUN_S - 1)
    check(bool(users) and all(u == 4 for u in users),
          f"the users are 4 from {settled:.1f} s to the end (W1's link is back, its run over)",
          str(users))

    # W1 judged its master gone, stopped, wrote its own result.
    check(w1_code == 1, "W1 stopped by itself and exits 1", f"exit {w1_code}")
    check("has been silent for 5 s: stopping this worker's run" in workers[1].text("err"),
          "W1 says its master has been silent for 5 s")
    w1_json = os.path.join(tmp, "w1.json")
    if check(os.path.exists(w1_json), "W1 wrote its own result (its --json)"):
        with open(w1_json) as f:
            own = json.load(f)
        mine = sum(r["requests"] for r in own["rows"] if r["name"] == f"/w/{p1}")
        tl1 = own["timeline"]
        say("W1's own timeline (its clock), s:requests/failed/connects: " + ", ".join(
            f"{t:.1f}:{r * (t - t0):.0f}/{f * (t - t0):.0f}/{c * (t - t0):.0f}"
            for t0, t, r, f, c in zip([0] + tl1["t"], tl1["t"], tl1["rps"], tl1["fail_per_s"],
                                      tl1["connects_per_s"])))
        check(own["run"]["aborted_by"] == "the master went silent",
              "W1's own result: aborted by 'the master went silent'", own["run"]["aborted_by"])
        check(counted.get(p1, 0) <= mine <= served.get(p1, 0),
              "W1's own count is at least the master's count of W1 and at most the server's log",
              f"master {counted.get(p1)}, own {mine}, server {served.get(p1)}")
        if by_name.get(w1, {}).get("final_report") and counted.get(p1) == mine:
            say("note: W1's final report reached the master once its link was back: the master "
                "counted all of W1's requests")
    # W2 went through its outage as if nothing happened.
    check(w2_code == 0, "W2 exits 0", f"exit {w2_code}")
    check("silent" not in workers[2].text("err"), "W2 never judged its master silent")
    # Its own result (its --json, written at every end) says it ran its share to the end.
    own2 = os.path.join(tmp, "w2.json")
    run2 = json.load(open(own2))["run"] if os.path.exists(own2) else {}
    check(run2 and not run2.get("aborted_by") and not run2.get("interrupted"),
          "W2's own result: its share run to its end, neither interrupted nor aborted",
          json.dumps(run2)[:300])


def main():
    if len(sys.argv) != 3:
        print("usage: netns_cluster_test.py NEST_BIN_DIR TEST_TASKSETS_DIR (.../by_worker)",
              file=sys.stderr)
        return 2
    bin_dir, tasksets = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

    def stop_on_signal(signum, _frame):
        raise SystemExit(f"stopped by signal {signum}")

    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, stop_on_signal)
    forced = os.environ.get("NEST_NETNS_FORCE_SKIP") == "1"
    netns_dir_existed = os.path.isdir(NETNS_DIR)
    if not forced and os.geteuid() == 0 and IP and clean_leftovers():
        # /run/netns left empty by removing a killed run's namespaces: that run made it.
        netns_dir_existed = os.path.isdir(NETNS_DIR) and bool(os.listdir(NETNS_DIR))
    ns = {k: f"{TAG}{os.getpid()}-{k}" for k in ("m", "w1", "w2")}
    procs = []
    check = Checks()
    tmp = None
    try:
        why = probe()
        if why:
            print(f"skipped: {why}", flush=True)
            return SKIP
        tmp = tempfile.mkdtemp(prefix=f"{TAG}{os.getpid()}-netns-")
        run_test(bin_dir, tasksets, ns, tmp, procs, check)
    except Exception as e:  # a step of the set-up failed: say which, clean up, fail
        check(False, "set-up and run", f"{type(e).__name__}: {e}")
        for p in procs:
            p.dump()
    finally:
        for p in reversed(procs):
            p.stop()
        left = []
        if IP and os.geteuid() == 0:
            names = netns_names()
            left = [name for name in ns.values() if name in names and not delete_netns(name)]
            restore_netns_dir(netns_dir_existed)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if left or (tmp and os.path.exists(tmp)):
            check(False, "clean-up", f"namespaces left: {left}; {tmp} left: "
                                     f"{bool(tmp) and os.path.exists(tmp)}")
        elif tmp:
            say(f"cleaned up: processes, namespaces {', '.join(ns.values())} (with their veth "
                f"pairs), {tmp}")
    print(f"{'FAILED' if check.failed else 'PASSED'}: {check.failed} check(s) failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
