"""A stand-in for a tunnel client (cloudflared, tailscale, ssh) that prints recorded output.

`install(bin_dir, name, runs)` writes an executable `name` into bin_dir. Each time it is started
it plays the next entry of `runs`: {"lines": [...], "exit": code} prints the lines, then exits with
that code (once the file `until` exists, if given; None: stays running until killed). Every start
appends its pid to `<name>.pids`.
"""

import json
import os
import stat
import sys
from pathlib import Path

SCRIPT = r"""#!{python}
import json, os, sys, time
here = {here!r}
name = {name!r}
with open(os.path.join(here, name + ".pids"), "a") as f:
    f.write(f"{{os.getpid()}}\n")
runs = json.load(open(os.path.join(here, name + ".runs.json")))
count_file = os.path.join(here, name + ".count")
n = int(open(count_file).read()) if os.path.exists(count_file) else 0
open(count_file, "w").write(str(n + 1))
run = runs[min(n, len(runs) - 1)]
with open(os.path.join(here, name + ".argv"), "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\n")
for line in run["lines"]:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    time.sleep(run.get("pause", 0.02))
if run.get("exit") is not None:
    while run.get("until") and not os.path.exists(run["until"]):
        time.sleep(0.05)
    sys.exit(run["exit"])
while True:
    time.sleep(1)
"""


def install(bin_dir: Path, name: str, runs: list[dict]) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / f"{name}.runs.json").write_text(json.dumps(runs))
    path = bin_dir / name
    path.write_text(SCRIPT.format(python=sys.executable, here=str(bin_dir), name=name))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def pids(bin_dir: Path, name: str) -> list[int]:
    path = bin_dir / f"{name}.pids"
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def argv(bin_dir: Path, name: str) -> list[list[str]]:
    path = bin_dir / f"{name}.argv"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True
