"""`python -m buyerweb` (run by `luckydraw web`): one address line, a clear one-line error when the
port is taken, and the arguments it accepts."""

import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from buyerweb.__main__ import parse_args
from buyerweb.server import default_threads, default_workers
from tests.helpers.web import ROOT, ProcessServer


def test_prints_the_address_and_serves(sqlite_url):
    server = ProcessServer(sqlite_url, workers=2)
    try:
        assert server.banner.startswith("Lucky Draw buyer web on http://")
        assert f":{server.port}/" in server.banner and "granian, 2 workers × 2 threads" in server.banner
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(server.url + "/", timeout=5) as r:
            assert "No draw is open yet" in r.read().decode()
    finally:
        server.stop()
    assert server.proc.stdout.read() == ""  # the start line is all that goes to stdout


def test_server_warnings_go_to_stderr_not_before_the_start_line(sqlite_url):
    # granian warns about more threads than 2 × cores + 1; its log lines go to stderr.
    threads = 2 * (os.cpu_count() or 2) + 2
    server = ProcessServer(sqlite_url, workers=2, env={"LUCKYDRAW_WEB_THREADS": str(threads)})
    try:
        assert server.banner.startswith("Lucky Draw buyer web on http://")
        assert f"2 workers × {threads} threads" in server.banner
    finally:
        server.stop()
    assert server.proc.stdout.read() == ""
    assert "threads" in server.proc.stderr.read()


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
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0] and str(port) in lines[0]
    assert proc.stdout == ""


def test_unreachable_database_is_one_clear_line():
    with socket.socket() as probe:  # a port where no PostgreSQL listens
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.run(
        [sys.executable, "-m", "buyerweb", "--db", f"postgresql://nobody:pw@127.0.0.1:{dead}/ld", "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("luckydraw web: cannot start:") and str(dead) in lines[0]
    assert "pw@" not in proc.stderr and proc.stdout == ""


def test_arguments_and_defaults():
    args = parse_args([])
    assert (args.db, args.host, args.port, args.workers) == (None, "0.0.0.0", 8080, None)
    args = parse_args(["--db", "x.db", "--host", "127.0.0.1", "--port", "9000", "--workers", "3"])
    assert (args.db, args.host, args.port, args.workers) == ("x.db", "127.0.0.1", 9000, 3)
    with pytest.raises(SystemExit):
        parse_args(["--port", "0"])
    assert default_workers("luckydraw.db") >= 2
    assert default_workers("postgresql://u@h/db") >= default_workers("luckydraw.db")


def test_threads_a_worker_suit_the_database(monkeypatch):
    """SQLite has one writer at a time: two threads a worker; PostgreSQL waits on round trips: four.
    LUCKYDRAW_WEB_THREADS overrides both."""
    monkeypatch.delenv("LUCKYDRAW_WEB_THREADS", raising=False)
    assert (default_threads("luckydraw.db"), default_threads("postgresql://u@h/db")) == (2, 4)
    monkeypatch.setenv("LUCKYDRAW_WEB_THREADS", "6")
    assert (default_threads("luckydraw.db"), default_threads("postgres://u@h/db")) == (6, 6)


def test_address_line_hides_the_database_password():
    from buyerweb.server import address_line

    line = address_line("granian", "0.0.0.0", 8080, "2 workers", "postgresql://lucky:s3cret@db:5432/ld")
    assert "s3cret" not in line and "postgresql://lucky:***@db:5432/ld" in line
    assert "http://[::1]:8080/" in address_line("granian", "::1", 8080, "1 process", "x.db")
