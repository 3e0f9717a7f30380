"""A real terminal for console tests: a detached tmux session running a command, read back with
`capture-pane` (what the organiser sees) and driven with `send-keys`."""

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest


def need_tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux)")
    return path


class Terminal:
    """`with Terminal(command, cwd) as term:` runs `command` in a fresh tmux session of its own
    (its own server socket, so nothing else on the machine is touched); the session is killed
    on the way out."""

    def __init__(self, command: list[str], cwd, *, width: int = 120, height: int = 40, env: dict | None = None):
        self.tmux = need_tmux()
        self.socket = f"ld-test-{uuid.uuid4().hex[:12]}"
        self.name = "console"
        self.command = command
        self.cwd = str(cwd)
        self.size = (width, height)
        self.env = env or {}

    def run(self, *args: str) -> str:
        # The tmux server inherits this environment: without COLUMNS/LINES (which pytest may set),
        # so the program sizes itself from the terminal as it would for an organiser.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=30, check=False, env=env
        )
        return done.stdout

    def __enter__(self) -> "Terminal":
        exports = [arg for key, value in self.env.items() for arg in ("-e", f"{key}={value}")]
        self.run(
            "new-session", "-d", "-s", self.name, "-x", str(self.size[0]), "-y", str(self.size[1]),
            "-c", self.cwd, *exports, subprocess.list2cmdline(self.command),
        )  # fmt: skip
        self.run("set-option", "-t", self.name, "remain-on-exit", "on")
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    def kill(self) -> None:
        """Close the terminal window: tmux hangs up on what runs in it (SIGHUP)."""
        self.run("kill-server")
        socket_dir = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (socket_dir / self.socket).unlink(missing_ok=True)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def title(self) -> str:
        return self.run("display-message", "-p", "-t", self.name, "#{pane_title}").strip()

    def alive(self) -> bool:
        return self.run("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "0"

    def pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once it shows `text`; fails (with the screen) after `timeout`."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            if not self.alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on the terminal; it shows:\n{screen}")
