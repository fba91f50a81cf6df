"""Shared by the benchmarks: a throwaway nginx target, resident memory, Locust-format CSV."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

CONFIG = """
worker_processes {workers};
{affinity}
worker_rlimit_nofile 65536;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 32768; }}
http {{
  {access_log};
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port} backlog=65535{reuseport};
    location / {{ default_type text/plain; return 200 "{body}"; }}
  }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx on loopback. One worker pinned to `cpu`; or `workers` of them, unpinned, sharing
    the port (each process has the open-file limit of its own: more connections in all).
    With `access_log`, every request is a line in that file (to count what it answered)."""

    def __init__(self, cpu=0, workers=1, access_log=None):
        self.cpu = cpu
        self.workers = workers
        self.access_log = access_log
        self.dir = tempfile.mkdtemp(prefix="nest-bench-nginx-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def __enter__(self):
        mask = "1" + "0" * self.cpu  # nginx's CPU mask: rightmost digit is CPU 0
        body = "x" * 99 + "\\n"
        with open(f"{self.dir}/nginx.conf", "w") as f:
            f.write(CONFIG.format(
                dir=self.dir, port=self.port, body=body, workers=self.workers,
                affinity=f"worker_cpu_affinity {mask};" if self.workers == 1 else "",
                reuseport="" if self.workers == 1 else " reuseport",
                access_log=f"access_log {self.access_log}" if self.access_log else "access_log off"))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([nginx, "-c", f"{self.dir}/nginx.conf", "-p", self.dir],
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start; see {self.dir}/error.log")

    def __exit__(self, *_):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def rss_kib(pid):
    """Resident set size of a process, in KiB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def aggregated_row(stats_csv):
    """The Aggregated row of a Locust-format PREFIX_stats.csv (Nest's and Locust's alike)."""
    import csv
    with open(stats_csv) as f:
        return [r for r in csv.DictReader(f) if r["Name"] == "Aggregated"][0]
