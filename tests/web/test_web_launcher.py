"""`python -m buyerweb` (run by `luckydraw web`): one address line, a clear one-line error when the
port is taken, and the arguments it accepts."""

import socket
import subprocess
import sys
import urllib.request

import pytest

from buyerweb.__main__ import parse_args
from buyerweb.server import choose_server, default_workers
from tests.helpers.web import ROOT, ProcessServer


def test_prints_the_address_and_serves(sqlite_url):
    server = ProcessServer(sqlite_url, workers=2)
    try:
        assert server.banner.startswith("Lucky Draw buyer web on http://")
        assert f":{server.port}/" in server.banner and "waitress" in server.banner
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(server.url + "/", timeout=5) as r:
            assert "No draw is open yet" in r.read().decode()
    finally:
        server.stop()


def test_port_taken_is_one_clear_line(sqlite_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "buyerweb", "--db", sqlite_url, "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0] and str(port) in lines[0]
    assert proc.stdout == ""


def test_arguments_and_defaults(monkeypatch):
    args = parse_args([])
    assert (args.db, args.host, args.port, args.workers) == (None, "0.0.0.0", 8080, None)
    args = parse_args(["--db", "x.db", "--host", "127.0.0.1", "--port", "9000", "--workers", "3"])
    assert (args.db, args.host, args.port, args.workers) == ("x.db", "127.0.0.1", 9000, 3)
    with pytest.raises(SystemExit):
        parse_args(["--port", "0"])
    assert default_workers("luckydraw.db") >= 2
    assert default_workers("postgresql://u@h/db") >= default_workers("luckydraw.db")
    monkeypatch.setenv("LUCKYDRAW_WEB_SERVER", "waitress")
    assert choose_server() == "waitress"


def test_address_line_hides_the_database_password():
    from buyerweb.server import address_line

    line = address_line("gunicorn", "0.0.0.0", 8080, "2 workers", "postgresql://lucky:s3cret@db:5432/ld")
    assert "s3cret" not in line and "postgresql://lucky:***@db:5432/ld" in line
    assert "http://[::1]:8080/" in address_line("waitress", "::1", 8080, "1 process", "x.db")


def test_idle_workers_are_not_killed_as_hung(sqlite_url):
    """The waitress worker must tell gunicorn's master it is alive while nothing happens."""
    import time

    server = ProcessServer(
        sqlite_url, workers=2, env={"LUCKYDRAW_WORKER_TIMEOUT": "2", "LUCKYDRAW_WEB_LOGLEVEL": "info"}
    )
    try:
        time.sleep(5)
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as r:
            assert r.status == 200
    finally:
        server.stop()
    log = server.proc.stderr.read()
    assert "WORKER TIMEOUT" not in log and "Booting worker" in log
