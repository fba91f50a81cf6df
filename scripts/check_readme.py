#!/usr/bin/env python3
"""Runs README.md's shell commands in the order they are written, in a fresh clone, as a new
user would, and fails on the first that fails.

    scripts/check_readme.py [--with-tests] [--keep]

Each ```sh block is read line by line (a trailing backslash joins lines; `# ...` comments are
dropped). What is changed, and why:
  - ./scripts/test.sh is skipped unless --with-tests (it is CI's own command, and long);
  - runs of 1m become 5s, and the run from config/nest.ini gets --run-time 5s: the check is about
    the commands working, not about minutes of load;
  - ~/nest (the install prefix) becomes a folder of the check's, so your home stays as it is;
  - a command ending in `&` runs in the background until the check ends;
  - exit 3 of a command with --threshold or --fail-on passes: it is the answer the README
    documents (a rule broke), and short runs' figures vary;
  - questions (the weights confirmation, --configure) are answered on a terminal: the shown
    weights are kept, the file is saved where offered, and "Run now?" is declined.
The demo target listens on 127.0.0.1:8080, as the README says, so that port must be free.
"""
import os
import pathlib
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

source = pathlib.Path(__file__).resolve().parent.parent
with_tests = "--with-tests" in sys.argv
keep = "--keep" in sys.argv

work = pathlib.Path(tempfile.mkdtemp(prefix="nest-readme-"))
clone = work / "nest"
prefix = work / "prefix"
subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
env = dict(os.environ, CCACHE_BASEDIR=str(clone), CCACHE_NOHASHDIR="1")


def commands(readme):
    in_block, pending = False, ""
    for line in readme.splitlines():
        if line.startswith("```"):
            in_block = line.strip() == "```sh" if not in_block else False
            continue
        if not in_block:
            continue
        line = pending + line.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        # A comment starts at " #" outside quotes.
        quote, cut = None, len(line)
        for i, c in enumerate(line):
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#" and (i == 0 or line[i - 1] == " "):
                cut = i
                break
        line = line[:cut].strip()
        if line:
            yield line


def answer(prompt_text):
    if "Run now?" in prompt_text:
        return "n\n"
    if "Run with these weights?" in prompt_text:
        return "y\n"
    if re.search(r"(Weight for .*|Save to .*)\]: $", prompt_text):
        return "\n"
    return None


def run_on_terminal(command, timeout=600):
    """Runs `command` on a pseudo-terminal, answering its questions; returns (code, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(clone)
        os.execve("/bin/bash", ["bash", "-c", command], env)
    output, line = b"", b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        sys.stdout.write(chunk.decode(errors="replace"))
        line = (line + chunk).split(b"\n")[-1]
        reply = answer(line.decode(errors="replace"))
        if reply:
            os.write(fd, reply.encode())
            line = b""
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


background = []
failed = None
try:
    for command in commands((clone / "README.md").read_text()):
        if "scripts/test.sh" in command and not with_tests:
            print(f"\n== skipped (CI runs it; --with-tests to include): {command}")
            continue
        command = command.replace("~/nest", str(prefix)).replace("-t 1m", "-t 5s")
        if "--config config/nest.ini" in command:
            command += " --run-time 5s"
        print(f"\n== {command}", flush=True)
        if command.endswith("&"):
            background.append(subprocess.Popen(["bash", "-c", command[:-1]], cwd=clone, env=env,
                                               start_new_session=True))
            time.sleep(1)
            continue
        code, _ = run_on_terminal(command)
        # Exit 3 is an answer, not a breakage, where the README says a command gives it: a
        # threshold or a compare rule broke (a 5 s run's figures vary from run to run).
        if code == 3 and ("--fail-on" in command or "--threshold" in command):
            print("(exit 3: a rule or threshold broke, as the README says it may)")
            continue
        if code != 0:
            failed = f"exit {code}: {command}"
            break
finally:
    for p in background:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()

if failed:
    print(f"\ncheck_readme: FAILED at {failed}\n(the clone is kept in {clone})")
    sys.exit(1)
print("\ncheck_readme: every README command worked in order")
if not keep:
    shutil.rmtree(work)
