"""`luckydraw up` in a real terminal (tmux) with the real buyer web: a console crash leaves the
web serving and the console comes back, and closing the terminal (or SIGTERM) stops the web and
frees its port."""

import os
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from console import launch
from tests.helpers.terminal import Terminal

ROOT = Path(__file__).resolve().parents[2]
# `luckydraw` whose w key (the buyer-page QR) raises, as a bug in a screen would.
CRASHABLE = r"""
import sys
from console.app import LuckyDrawApp

def crash(self):
    raise RuntimeError("forced crash for the test")

LuckyDrawApp.action_share = crash
from console.cli import main
sys.exit(main(sys.argv[1:]))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status


def web_pids(db_path: str) -> list[int]:
    """Processes of the buyer web serving `db_path` (the server and any workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and db_path.encode() in cmdline and any(b"buyerweb" in part for part in cmdline):
            found.append(int(entry.name))
    return found


def eventually(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def start_up(tmp_path, sqlite_url, port):
    command = [sys.executable, "-c", CRASHABLE, "--db", sqlite_url, "up", "--host", "127.0.0.1", "--port", str(port)]
    env = {"TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    return Terminal(command, tmp_path, env=env)


@pytest.fixture
def own_pids():
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("needs /proc to find the web's processes")


def test_console_crash_under_up_keeps_the_web_and_closing_the_terminal_stops_it(
    sqlite_draw, sqlite_url, tmp_path, own_pids
):
    port = free_port()
    with start_up(tmp_path, sqlite_url, port) as term:
        term.wait_for("Pending", timeout=30)
        assert healthz(port) == 200
        pids = web_pids(sqlite_url)
        assert pids

        term.keys("w")  # the console falls over
        log = tmp_path / launch.CONSOLE_LOG
        assert eventually(lambda: log.exists() and "RuntimeError: forced crash for the test" in log.read_text())
        assert healthz(port) == 200  # the web serves on while the console is down
        assert "Traceback (most recent call last)" in log.read_text()
        time.sleep(0.5)
        term.wait_for("Pending", timeout=15)  # … and the console is back
        said = term.run("capture-pane", "-p", "-a", "-t", term.name)  # the terminal under the console
        assert "luckydraw: the console stopped on an error (RuntimeError: forced crash for the test); the buyer" in said
        assert "Traceback" not in said
        assert web_pids(sqlite_url) == pids and healthz(port) == 200
        assert term.alive()

        term.kill()  # the organiser closes the terminal window
        assert eventually(lambda: not web_pids(sqlite_url)), web_pids(sqlite_url)
        assert eventually(lambda: launch.port_is_free("127.0.0.1", port))


def test_closing_the_terminal_stops_the_web(sqlite_draw, sqlite_url, tmp_path, own_pids):
    port = free_port()
    with start_up(tmp_path, sqlite_url, port) as term:
        term.wait_for("Pending", timeout=30)
        assert healthz(port) == 200 and web_pids(sqlite_url)
        term.kill()  # SIGHUP to everything in the terminal
        assert eventually(lambda: not web_pids(sqlite_url)), web_pids(sqlite_url)
        assert eventually(lambda: launch.port_is_free("127.0.0.1", port))


def test_sigterm_to_up_stops_the_web(sqlite_draw, sqlite_url, tmp_path, own_pids):
    port = free_port()
    with start_up(tmp_path, sqlite_url, port) as term:
        term.wait_for("Pending", timeout=30)
        assert healthz(port) == 200
        os.kill(term.pid(), signal.SIGTERM)
        assert eventually(lambda: not web_pids(sqlite_url)), web_pids(sqlite_url)
        assert eventually(lambda: launch.port_is_free("127.0.0.1", port))
        assert eventually(lambda: not term.alive())
