#!/usr/bin/env python3
"""Every #include in host/ points down the layers that host/CMakeLists.txt declares.

The rooms' libraries catch a call into an undeclared room when they link (layer_check_<room>);
this catches what linking cannot see: a header of a higher room used for its inline code or
types only. It also checks that the SDK's public headers include nothing but the SDK and the
standard library (no Asio, libcurl or Boost.DLL in a taskset author's face).

Usage: layers_test.py SOURCE_DIR LAYERS_FILE   (LAYERS_FILE lines: "room: lower rooms...")
"""
import pathlib
import re
import sys

source, layers_file = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
direct = {}
for line in layers_file.read_text().splitlines():
    room, _, below = line.partition(":")
    direct[room.strip()] = set(below.split())


def reachable(room, seen=None):
    seen = set() if seen is None else seen
    for lower in direct.get(room, ()):
        if lower not in seen:
            seen.add(lower)
            reachable(lower, seen)
    return seen


include = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]', re.M)
problems = []
host = source / "host"
for path in sorted(host.rglob("*")):
    if path.suffix not in (".h", ".cpp") or path.parent == host:
        continue
    room = path.relative_to(host).parts[0]
    if room not in direct:
        continue  # not a room of nest-host (the demo target, for one)
    allowed = reachable(room) | {room}
    for target in include.findall(path.read_text()):
        first = target.split("/")[0]
        if "/" in target and first in direct and first not in allowed:
            problems.append(f"{path.relative_to(source)}: includes {target}, but {room} may use "
                            f"only {', '.join(sorted(allowed))}")
for path in sorted((source / "sdk" / "include" / "nest").rglob("*.h")):
    for target in include.findall(path.read_text()):
        if "/" in target and not target.startswith("nest/"):
            problems.append(f"{path.relative_to(source)}: the SDK includes {target}; it may "
                            "include only nest/ headers and the standard library")

for p in problems:
    print(p)
if not direct:
    print(f"{layers_file}: no rooms declared")
    sys.exit(1)
print(f"{len(direct)} rooms, {len(problems)} wrong includes")
sys.exit(1 if problems else 0)
