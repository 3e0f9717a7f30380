"""Serve the buyer web on granian (a Rust HTTP server), never on Bottle's built-in one.

One granian main process and N worker processes (one per core, at least 2; Windows: one), each
with a few blocking threads that run the WSGI app. granian reads requests in its Rust event loop
and hands only complete requests to those threads, so a phone trickling bytes over mobile data
costs a socket, not a thread. On Linux each worker listens on its own SO_REUSEPORT socket and the
kernel spreads connections evenly over them.

Start-up order: the port is checked and the schema migrated once, here, before any worker
exists; each worker then builds the app (`load_app`) after it has started and opens its own
database connections, one per thread, on first use.

Signals to the main process: SIGTERM or SIGINT stop gracefully (requests in flight finish, at most
`STOP_SECONDS`); SIGHUP (the terminal went away) stops too; SIGUSR1 restarts the workers one by
one without dropping the port. When `LUCKYDRAW_WEB_PARENT_PID` names the launching process
(`luckydraw up` and `luckydraw web` set it), the web stops as soon as that process is gone, even
after a `kill -9` of it: a parent-death signal on Linux and a once-a-second look at the parent
elsewhere (and as a backstop); every worker does the same with the main process."""

import ctypes
import errno
import os
import signal
import socket
import sys
import threading
import time
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from shared import db as shared_db
from shared import setup

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080
DEFAULT_THREADS = 4  # PostgreSQL: a thread waits out each round trip to the database server
# SQLite: one writer at a time, so more threads a worker only queue behind the write lock. In four
# alternating sale-opening benchmarks (bench/web_bench.py) 2 threads gave 1,388–1,621 attempts/s
# against 832–1,402 with 4, with a lower p99; the poll was 3–4 % slower.
SQLITE_THREADS = 2
PARENT_ENV = "LUCKYDRAW_WEB_PARENT_PID"
STOP_SECONDS = 5  # graceful shutdown: workers that have not finished by then are killed
BACKLOG = 2048
HEADER_READ_TIMEOUT_MS = 30_000  # a phone on a bad connection gets 30 s to send its request head
PR_SET_PDEATHSIG = 1
GIL_SWITCH_SECONDS = 0.001
# granian logs to stdout by default; stdout carries only the one start line.
LOG_TO_STDERR = {
    "handlers": {
        handler: {"formatter": formatter, "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
        for handler, formatter in (("console", "generic"), ("access", "access"))
    }
}


def default_workers(db_url: str) -> int:
    """One worker process per core, at least two (more workers than cores only made the CPUs'
    queue longer, on SQLite and PostgreSQL alike). Windows: granian runs one process there."""
    if sys.platform == "win32":
        return 1
    cores = os.cpu_count() or 2
    if shared_db.is_postgres_url(db_url):
        return max(2, min(cores, 16))
    return max(2, min(cores, 4))  # SQLite has one writer at a time whatever the worker count


def default_threads(db_url: str) -> int:
    if os.environ.get("LUCKYDRAW_WEB_THREADS"):
        return int(os.environ["LUCKYDRAW_WEB_THREADS"])
    return DEFAULT_THREADS if shared_db.is_postgres_url(db_url) else SQLITE_THREADS


class PortTaken(Exception):
    pass


def check_port(host: str, port: int) -> None:
    """Fail early, with one clear line, when something already listens on host:port (the workers'
    SO_REUSEPORT sockets must never end up sharing a port with another server)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        elif hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or "in use" in str(exc).lower():
            raise PortTaken(
                f"port {port} on {host} is already in use (is Lucky Draw web already running?); "
                f"choose another with --port"
            ) from None
        if exc.errno in (errno.EACCES, getattr(errno, "WSAEACCES", -1)):
            raise PortTaken(
                f"not allowed to listen on port {port} (ports below 1024 need admin rights); choose another with --port"
            ) from None
        raise PortTaken(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        probe.close()


def shown_url(db_url: str) -> str:
    """The database URL without its password (the line goes to terminals and logs)."""
    parts = urlsplit(db_url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return db_url


def address_line(server: str, host: str, port: int, detail: str, db_url: str) -> str:
    shown = "localhost" if host in ("0.0.0.0", "::", "127.0.0.1") else host
    where = " (all interfaces)" if host in ("0.0.0.0", "::") else ""
    if ":" in shown:
        shown = f"[{shown}]"
    return f"Lucky Draw buyer web on http://{shown}:{port}/{where} — {server}, {detail}, database {shown_url(db_url)}"


def stop_with_parent(parent_pid: int) -> None:
    """Stop this process (SIGTERM: its graceful stop) once `parent_pid` is no longer its parent,
    and kill it if it is still there `STOP_SECONDS` later."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
        except (OSError, AttributeError):  # no usable libc: the watch below still works
            pass

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        if not armed:  # otherwise the kernel has sent it already; a second one is not needed
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(STOP_SECONDS + 2)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    if os.getppid() != parent_pid:  # gone before the signal was armed
        armed = False
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def load_app(db_url: str, secret: str, main_pid: int):
    """Build the app inside one worker process, after it has started (granian calls this there).
    Connections are opened later, per thread, on first use: nothing is inherited from the main
    process, which has closed its own."""
    # The main process's signal handlers were inherited by the fork and would swallow a stop
    # that arrives while the app is still loading: until granian installs the worker's own,
    # a stop simply ends the worker (it has nothing to finish yet). Hang-ups and restarts are
    # the main process's business.
    for name, action in (("SIGTERM", signal.SIG_DFL), ("SIGINT", signal.SIG_DFL), ("SIGHUP", signal.SIG_IGN)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), action)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    # Out of the terminal's process group: Ctrl+C reaches the main process alone, which stops the
    # workers one SIGTERM each (a worker told to stop by the terminal and by the main process at
    # once could hang until killed).
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    stop_with_parent(main_pid)
    # granian's I/O thread needs the GIL to hand each request over and to take each response;
    # with Python's default 5 ms switch interval it waits behind the request threads (measured:
    # a lower p50 and more requests a second at 1 ms, docs/web.md).
    sys.setswitchinterval(float(os.environ.get("LUCKYDRAW_GIL_SWITCH") or GIL_SWITCH_SECONDS))
    from .app import create_app

    return create_app(db_url, migrate=False, secret=secret)


def _granian_server(**options):
    """granian's multi-process server with the product's signals and start line."""
    from granian.server import Server

    class BuyerWebServer(Server):
        banner = ""

        def startup(self, spawn_target, target_loader):
            self.hooks_startup.append(self._own_signals)
            super().startup(spawn_target, target_loader)
            print(self.banner, flush=True)

        def _own_signals(self):
            # granian reloads on SIGHUP; here a hang-up means the organiser's terminal is gone,
            # so stop (unless started under nohup, which asked for hang-ups to be ignored).
            if hasattr(signal, "SIGHUP") and not _hangups_ignored:
                signal.signal(signal.SIGHUP, self.signal_handler_interrupt)
            if hasattr(signal, "SIGUSR1"):
                signal.signal(signal.SIGUSR1, self.signal_handler_reload)

    _hangups_ignored = hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    return BuyerWebServer(**options)


def serve(
    db_url: str | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int | None = None,
    threads: int | None = None,
) -> int:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    db_url = shared_db.resolve_url(db_url)
    host = host.strip("[]") or DEFAULT_HOST
    workers = 1 if sys.platform == "win32" else workers or default_workers(db_url)
    threads = threads or default_threads(db_url)
    check_port(host, port)
    parent = os.environ.get(PARENT_ENV, "")
    if parent.isdigit():
        stop_with_parent(int(parent))
    database = setup.connect(db_url)  # migrate once, here, before any worker exists
    database.close()
    # One signing secret for every worker (CSRF tokens, buyer cookie): from the environment, or
    # made up for this run (forms left open across a restart simply ask to be sent again).
    secret = os.environ.get("LUCKYDRAW_SECRET") or None
    level = os.environ.get("LUCKYDRAW_WEB_LOGLEVEL", "warning").lower()
    server = _granian_server(
        target="buyerweb",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        blocking_threads_idle_timeout=600,  # keep threads, and so their database connections
        http=HTTPModes.http1,
        backlog=BACKLOG,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS, keep_alive=True),
        log_level=LogLevels(level) if level in LogLevels.__members__ else LogLevels.warning,
        log_dictconfig=LOG_TO_STDERR,
        respawn_failed_workers=True,
        respawn_interval=2.0,
        workers_kill_timeout=STOP_SECONDS,
    )
    detail = f"{workers} worker{'s' if workers != 1 else ''} × {threads} threads"
    server.banner = address_line("granian", host, port, detail, db_url)
    server.serve(target_loader=partial(load_app, db_url, secret, os.getpid()), wrap_loader=False)
    return 0


def main_error(message: str) -> int:
    print(f"luckydraw web: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
    return 2
