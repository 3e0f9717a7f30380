"""The buyer web's server processes (`python -m buyerweb` on granian): per-worker database
connections, a crashed worker replaced, a graceful restart, and the whole web gone — port free,
no worker left — when it is told to stop, when its terminal hangs up, and when the `luckydraw up`
that started it is killed with `kill -9`."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from console import launch
from tests.helpers.web import ROOT, ProcessServer, free_port

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and ps")


def web_pids(port: int) -> set[int]:
    """Every process of the buyer web listening on `port` (main and workers), from `ps`."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    pids = set()
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        words = args.split()
        if "buyerweb" in words and "--port" in words and words[words.index("--port") + 1] == str(port):
            pids.add(int(pid))
    return {pid for pid in pids if not zombie(pid)}


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def gone(port: int) -> bool:
    return not web_pids(port) and launch.port_is_free("127.0.0.1", port)


def stop_and_reap(proc: subprocess.Popen) -> None:
    """Stop a server started by a test, and every process of it, whatever state it is in."""
    family = [proc.pid, *children(proc.pid)]
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        pass
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def database_files_open(pid: int, path: str) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == path:
                count += 1
        except OSError:
            pass
    return count


def test_each_worker_opens_its_own_connections_after_it_starts(sqlite_draw, sqlite_url):
    server = ProcessServer(sqlite_url, workers=2, env={"LUCKYDRAW_WEB_THREADS": "3"})
    try:
        workers = children(server.proc.pid)
        assert len(workers) == 2
        path = os.path.realpath(sqlite_url)
        # Requests on fresh connections until every worker has served some (which worker accepts a
        # connection is the kernel's choice: one may take the first few dozen), at most 600.
        for n in range(600):
            with urllib.request.urlopen(server.url + "/api/tickets", timeout=5) as response:
                assert response.status == 200
            if n >= 60 and all(database_files_open(pid, path) for pid in workers):
                break
        # The main process migrated the schema and closed its connection before the workers
        # started: it holds none, so there was none to inherit.
        assert database_files_open(server.proc.pid, path) == 0
        opened = {pid: database_files_open(pid, path) for pid in workers}
        assert all(1 <= n <= 3 for n in opened.values()), opened  # at most one per blocking thread
    finally:
        server.stop()


def test_a_crashed_worker_is_replaced(sqlite_url):
    server = ProcessServer(sqlite_url, workers=2)
    try:
        before = children(server.proc.pid)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        assert wait_for(lambda: len(children(server.proc.pid) - {victim}) == 2)
        assert victim not in children(server.proc.pid)
        assert wait_for(lambda: healthy(server.url)) and server.proc.poll() is None
    finally:
        server.stop()


def test_sigusr1_restarts_the_workers_and_keeps_serving(sqlite_url):
    server = ProcessServer(sqlite_url, workers=2)
    try:
        before = children(server.proc.pid)
        server.proc.send_signal(signal.SIGUSR1)
        assert wait_for(lambda: not (children(server.proc.pid) & before) and len(children(server.proc.pid)) == 2, 40)
        assert wait_for(lambda: healthy(server.url)) and server.proc.poll() is None
    finally:
        server.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_ends_every_process_and_frees_the_port(sqlite_url, signum):
    server = ProcessServer(sqlite_url, workers=2)
    workers = children(server.proc.pid)
    assert len(workers) == 2 and web_pids(server.port) == workers | {server.proc.pid}
    server.proc.send_signal(signum)
    assert server.proc.wait(30) == 0
    assert wait_for(lambda: gone(server.port))
    assert not any(Path(f"/proc/{pid}").exists() and not zombie(pid) for pid in workers)


def test_ctrl_c_in_the_terminal_stops_cleanly(sqlite_url):
    """Ctrl+C signals the terminal's whole foreground process group, not only the main process."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "buyerweb", "--db", sqlite_url, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LUCKYDRAW_WEB_LOGLEVEL": "info"},
        start_new_session=True,  # its own process group, standing for the terminal's
    )
    try:
        assert "http://" in proc.stdout.readline()
        assert wait_for(lambda: healthy(f"http://127.0.0.1:{port}") and len(children(proc.pid)) == 2)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(30) == 0
        log = proc.stderr.read()
        assert "Stopped worker-1" in log and "Stopped worker-2" in log
        assert "Unexpected exit" not in log and "refused to gracefully stop" not in log
        assert wait_for(lambda: gone(port))
    finally:
        stop_and_reap(proc)


def test_under_nohup_a_hangup_is_ignored(sqlite_url):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "buyerweb", "--db", sqlite_url, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
    )
    try:
        assert "http://" in proc.stdout.readline()
        assert wait_for(lambda: healthy(f"http://127.0.0.1:{port}"))
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert proc.poll() is None and healthy(f"http://127.0.0.1:{port}")
    finally:
        stop_and_reap(proc)


UP = r"""
import sys, time
from console import launch

def console(address, web_status):
    print("console open", flush=True)
    time.sleep(300)

launch.run_up(sys.argv[1], "127.0.0.1", int(sys.argv[2]), 2, log_path=sys.argv[3], console=console)
"""


@pytest.mark.parametrize("how", ["kill -9", "hangup"])
def test_the_web_stops_when_luckydraw_up_is_gone(sqlite_url, tmp_path, how):
    """`luckydraw up` killed outright (or its terminal closed): the web it started goes too."""
    port = free_port()
    up = subprocess.Popen(
        [sys.executable, "-c", UP, sqlite_url, str(port), str(tmp_path / "web.log")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert up.stdout.readline().strip() == "console open"
        web = web_pids(port)
        assert len(web) == 3, web  # granian's main process and two workers
        if how == "kill -9":
            up.kill()
        else:
            os.killpg(up.pid, signal.SIGHUP)  # the terminal's session hangs up
        up.wait(30)
        assert wait_for(lambda: gone(port)), web_pids(port)
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        for pid in web_pids(port):
            os.kill(pid, signal.SIGKILL)


def test_any_wsgi_server_can_run_the_app_by_name(sqlite_draw, sqlite_url):
    """`granian --interface wsgi buyerweb.wsgi:app`, as a PaaS or an operator would run it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning", "--workers-kill-timeout", "5", "buyerweb.wsgi:app"],
        cwd=ROOT,
        env={**os.environ, "LUCKYDRAW_DATABASE_URL": sqlite_url, "LUCKYDRAW_SECRET": "k" * 64},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: healthy(f"http://127.0.0.1:{port}") or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/tickets", timeout=5) as response:
            assert json.loads(response.read())["count"] == sqlite_draw.ticket_count
    finally:
        stop_and_reap(proc)


def test_a_body_too_large_gets_the_apps_json_answer(sqlite_draw, sqlite_url):
    """The server hands a 600 KB booking request to the app, whose own limit answers in JSON."""
    server = ProcessServer(sqlite_url, workers=2)
    try:
        request = urllib.request.Request(
            server.url + "/api/orders", data=b"a" * 600_000, headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 413
        assert refused.value.headers["Content-Type"].startswith("application/json")
        assert "too large" in json.loads(refused.value.read())["error"]
    finally:
        server.stop()


def test_a_graceful_stop_lets_a_booking_in_flight_finish(sqlite_draw, sqlite_url):
    """SIGTERM while a hold waits for the database's write lock: the buyer still gets the booking."""
    import fcntl
    import threading

    server = ProcessServer(sqlite_url, workers=2)
    gate = os.open(os.path.realpath(sqlite_url) + "-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    inode = os.fstat(gate).st_ino
    answer = {}

    def book():
        body = json.dumps({"name": "Asha Devi", "mobile": "9876543210", "tickets": [5]}).encode()
        request = urllib.request.Request(
            server.url + "/api/orders", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer["status"], answer["body"] = response.status, json.loads(response.read())

    def waiting_for_the_lock() -> bool:  # a writer of the web blocked on our lock, per /proc/locks
        return any("->" in line and f":{inode} " in line for line in Path("/proc/locks").read_text().splitlines())

    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        booking = threading.Thread(target=book)
        booking.start()
        assert wait_for(waiting_for_the_lock)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the stop is under way while the booking still waits
        fcntl.flock(gate, fcntl.LOCK_UN)
        booking.join(30)
        assert answer.get("status") == 201 and answer["body"]["tickets"] == [5]
        assert server.proc.wait(30) == 0
    finally:
        os.close(gate)
        server.stop()
