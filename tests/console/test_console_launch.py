"""`luckydraw up` / `console` plumbing: the buyer address, the port check, starting the web in the
background, waiting for /healthz, and stopping it (and its worker processes) however the console ends."""

import ipaddress
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from console import launch

ROOT = Path(__file__).resolve().parents[2]

FAKE_WEB = r"""
import http.server, os, subprocess, sys
port = int(sys.argv[sys.argv.index("--port") + 1])
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(os.environ["FAKE_WEB_PIDS"], "w").write(f"{os.getpid()} {worker.pid}")
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')
    def log_message(self, *args):
        pass
print("fake web listening", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_buyer_address_is_the_lan_address():
    address = launch.lan_address()
    assert ipaddress.ip_address(address).version == 4
    assert launch.buyer_url("0.0.0.0", 8080) == f"http://{address}:8080/"
    assert launch.buyer_url("127.0.0.1", 9000) == "http://127.0.0.1:9000/"


def test_sqlite_path_is_made_absolute_for_the_web(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LUCKYDRAW_DATABASE_URL", raising=False)
    assert launch.shared_url(None) == str(tmp_path / "luckydraw.db")
    assert launch.shared_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert launch.web_command("x.db", "0.0.0.0", 8080, 3)[1:] == [
        "-m",
        "buyerweb",
        "--db",
        "x.db",
        "--host",
        "0.0.0.0",
        "--port",
        "8080",
        "--workers",
        "3",
    ]


def test_up_says_clearly_that_the_port_is_taken(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not launch.port_is_free("127.0.0.1", port)
        code = launch.run_up(
            str(tmp_path / "x.db"),
            "127.0.0.1",
            port,
            None,
            log_path=tmp_path / "web.log",
            console=lambda *a: pytest.fail("the console must not open"),
        )
    assert code == 2
    assert capsys.readouterr().err == f"luckydraw: Port {port} is already in use; try --port {port + 1}\n"
    assert not (tmp_path / "web.log").exists()


def test_up_reports_a_web_that_dies_while_starting(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        launch,
        "web_command",
        lambda *a: [
            sys.executable,
            "-c",
            "import sys; print('luckydraw web: cannot start: database is locked'); sys.exit(3)",
        ],
    )
    code = launch.run_up(
        str(tmp_path / "x.db"),
        "127.0.0.1",
        free_port(),
        None,
        log_path=tmp_path / "web.log",
        console=lambda *a: pytest.fail("the console must not open"),
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "the buyer web stopped while starting (exit code 3)" in err
    assert "cannot start: database is locked" in err


def fake_web(monkeypatch, tmp_path):
    """`up` starts a small stand-in web (a server and a worker process) instead of the buyer web."""
    pids_file = tmp_path / "pids"
    monkeypatch.setenv("FAKE_WEB_PIDS", str(pids_file))
    monkeypatch.setattr(
        launch, "web_command", lambda db, host, port, workers: [sys.executable, "-c", FAKE_WEB, "--port", str(port)]
    )
    return pids_file


def healthz(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status


def test_up_runs_the_web_behind_the_console_and_stops_it(tmp_path, monkeypatch):
    pids_file = fake_web(monkeypatch, tmp_path)
    port = free_port()
    seen = {}

    def console(address, web_status):
        seen["address"] = address
        seen["status"] = web_status()
        seen["health"] = healthz(port)
        return 0

    assert (
        launch.run_up(str(tmp_path / "x.db"), "127.0.0.1", port, None, log_path=tmp_path / "web.log", console=console)
        == 0
    )
    assert seen == {"address": f"http://127.0.0.1:{port}/", "status": None, "health": 200}
    server, worker = map(int, pids_file.read_text().split())
    assert gone(server) and gone(worker)
    assert launch.port_is_free("127.0.0.1", port)
    assert "fake web listening" in (tmp_path / "web.log").read_text()


def test_a_console_crash_keeps_the_web_serving_and_reopens_the_console(tmp_path, monkeypatch, capsys):
    pids_file = fake_web(monkeypatch, tmp_path)
    monkeypatch.setattr(launch, "RESTART_PAUSE", 0.1)
    port = free_port()
    runs = []

    def console(address, web_status):
        runs.append((healthz(port), web_status()))
        if len(runs) == 1:
            raise RuntimeError("the console fell over")
        return 0

    code = launch.run_up(
        str(tmp_path / "x.db"),
        "127.0.0.1",
        port,
        None,
        log_path=tmp_path / "web.log",
        console_log=tmp_path / "console.log",
        console=console,
    )
    assert code == 0
    assert runs == [(200, None), (200, None)]  # the web served on after the crash; the console came back
    crash_log = (tmp_path / "console.log").read_text()
    assert "Traceback (most recent call last)" in crash_log and "RuntimeError: the console fell over" in crash_log
    said = [line for line in capsys.readouterr().err.splitlines() if "stopped on an error" in line]
    assert said == [
        f"luckydraw: the console stopped on an error (RuntimeError: the console fell over); the buyer web is still "
        f"serving at http://127.0.0.1:{port}/. Details in {tmp_path / 'console.log'}. Opening it again…"
    ]
    server, worker = map(int, pids_file.read_text().split())
    assert gone(server) and gone(worker)  # quitting the console afterwards still stops the web


def test_a_console_that_keeps_crashing_waits_for_enter(tmp_path, monkeypatch, capsys):
    fake_web(monkeypatch, tmp_path)
    monkeypatch.setattr(launch, "RESTART_PAUSE", 0.01)
    monkeypatch.setattr(launch.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(launch, "terminal_gone", lambda had: False)
    pressed = []
    monkeypatch.setattr(launch, "wait_for_enter", lambda: pressed.append(healthz(port)) or True)
    port = free_port()
    runs = []

    def console(address, web_status):
        runs.append(1)
        if len(runs) <= 3:
            raise ValueError(f"crash {len(runs)}")
        return 0

    code = launch.run_up(
        str(tmp_path / "x.db"), "127.0.0.1", port, None, log_path=tmp_path / "web.log",
        console_log=tmp_path / "console.log", console=console,
    )  # fmt: skip
    assert code == 0 and len(runs) == 4
    assert pressed == [200]  # asked once, after the third crash in a row, with the web still up
    err = capsys.readouterr().err
    assert err.count("Opening it again…") == 2 and err.count("Press Enter to open it again, or Ctrl+C to stop.") == 1


def test_a_crash_inside_textual_is_logged_not_printed(sqlite_draw, sqlite_url, tmp_path, monkeypatch, capsys):
    """The real console: an error in a screen ends the app with its traceback in the console log
    and one line on the terminal, and `open_console` reports it as a crash."""
    from console.app import LuckyDrawApp

    def broken(self, snapshot, problem=None):
        raise KeyError("a screen fell over")

    monkeypatch.setattr("console.screens.dashboard.DashboardScreen.show", broken)
    original_run = LuckyDrawApp.run

    def headless_run(self, *args, **kwargs):
        return original_run(self, headless=True)

    monkeypatch.setattr(LuckyDrawApp, "run", headless_run)
    log = tmp_path / "console.log"
    with pytest.raises(launch.ConsoleCrashed) as crash:
        launch.open_console(sqlite_url, crash_log=log)
    assert crash.value.summary == "KeyError: 'a screen fell over'"
    assert "Traceback (most recent call last)" in log.read_text() and "a screen fell over" in log.read_text()
    assert launch.run_console(sqlite_url, crash_log=log) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"luckydraw: the console stopped on an error (KeyError: 'a screen fell over'); the details are in {log}"
    )


@pytest.mark.slow
def test_up_with_the_real_buyer_web(sqlite_draw, sqlite_url, tmp_path):
    port = free_port()

    def console(address, web_status):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/tickets", timeout=5) as response:
            assert response.status == 200
        return 0

    assert launch.run_up(sqlite_url, "127.0.0.1", port, None, log_path=tmp_path / "web.log", console=console) == 0
    assert launch.port_is_free("127.0.0.1", port)


def test_console_reports_a_database_it_cannot_open(capsys):
    code = launch.run_console(f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")
    assert code == 1
    assert capsys.readouterr().err.startswith("luckydraw: cannot open the database postgresql://")


def test_console_never_imports_the_buyer_web():
    import subprocess

    code = (
        "import sys, console.app, console.launch, console.snapshot; "
        "import console.screens.dashboard, console.screens.resolve, console.screens.new_draw; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('buyerweb', 'bottle')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
