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


@pytest.mark.parametrize("ending", ["quit", "crash"])
def test_up_runs_the_web_behind_the_console_and_stops_it(tmp_path, monkeypatch, ending):
    pids_file = tmp_path / "pids"
    monkeypatch.setenv("FAKE_WEB_PIDS", str(pids_file))
    monkeypatch.setattr(
        launch, "web_command", lambda db, host, port, workers: [sys.executable, "-c", FAKE_WEB, "--port", str(port)]
    )
    port = free_port()
    seen = {}

    def console(address, web_status):
        seen["address"] = address
        seen["status"] = web_status()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            seen["health"] = response.status
        if ending == "crash":
            raise RuntimeError("the console fell over")
        return 0

    if ending == "crash":
        with pytest.raises(RuntimeError):
            launch.run_up(
                str(tmp_path / "x.db"), "127.0.0.1", port, None, log_path=tmp_path / "web.log", console=console
            )
    else:
        assert (
            launch.run_up(
                str(tmp_path / "x.db"), "127.0.0.1", port, None, log_path=tmp_path / "web.log", console=console
            )
            == 0
        )
    assert seen == {"address": f"http://127.0.0.1:{port}/", "status": None, "health": 200}
    server, worker = map(int, pids_file.read_text().split())
    assert gone(server) and gone(worker)
    assert launch.port_is_free("127.0.0.1", port)
    assert "fake web listening" in (tmp_path / "web.log").read_text()


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
