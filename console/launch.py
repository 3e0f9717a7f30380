"""Starting programs for the command line: the console alone, the buyer web alone, or both
(`luckydraw up`: the web in the background with its output in a log file, the console in front).

Under `up` the buyer web outlives any console crash: the traceback goes to the console log, the
organiser gets one line, and the console opens again (after a pause, or — when it keeps falling
over — once Enter is pressed). The web stops when the organiser quits the console, presses
Ctrl+C, or the terminal goes away (SIGHUP; SIGTERM likewise).

The buyer web is always its own process (`python -m buyerweb`); nothing here imports it.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

from shared.db import resolve_url

from .safe_text import visible
from .tunnels import TUNNEL_LOG, Tunnel

WEB_LOG = "luckydraw-web.log"
CONSOLE_LOG = "luckydraw-console.log"
RESTART_PAUSE = 1.0  # seconds between a console crash and opening it again
RAPID_CRASHES = (3, 60.0)  # this many crashes within this many seconds: wait for Enter instead
EXIT_GRACE = 10.0  # after SIGHUP/SIGTERM, seconds the console has to close before the process ends anyway
RUNNING: list = []  # the console app while it runs (for the signal handler of `up`)
HEALTH_TIMEOUT = 10.0
STOP_TIMEOUT = 8.0  # more than the web's own graceful shutdown (5 s)
SHARE_WAIT = 20.0  # how long `up --share` waits for the tunnel's address before opening the console


def say(text: str) -> None:
    print(f"luckydraw: {visible(text)}", file=sys.stderr, flush=True)


class ConsoleCrashed(Exception):
    """The console ended on an unexpected error; `summary` says which in one line (the traceback
    is in the console log already)."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


def log_crash(log_path: Path, details: str) -> None:
    """Append a traceback to the console log, with the time; never fails (the console is already
    down, and the web must go on whatever the disk says)."""
    try:
        with open(log_path, "a", encoding="utf-8", errors="replace") as log:
            log.write(f"\n--- console crashed {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n{details.rstrip()}\n")
    except OSError as error:
        say(f"cannot write the console log {log_path}: {error.strerror or error}")


def lan_address() -> str:
    """This machine's address on the local network. Connecting a UDP socket sends no packet; it
    only makes the system choose the interface it would route through."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    return address if address and not address.startswith("0.") else "127.0.0.1"


def buyer_url(host: str, port: int) -> str:
    """The address buyers' phones use: the LAN address when the web listens on every interface."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = lan_address()
    return f"http://{host}:{port}/"


def shared_url(db_url: str | None) -> str:
    """The database URL both processes use: a SQLite path made absolute, so the web child opens
    the very same file whatever its working directory."""
    url = resolve_url(db_url)
    if "://" not in url and url != ":memory:":
        return os.path.abspath(url)
    return url


def web_command(db_url: str, host: str, port: int, workers: int | None) -> list[str]:
    command = [sys.executable, "-m", "buyerweb", "--db", db_url, "--host", host, "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    return command


def web_env(sharing: bool = False) -> dict:
    """The web's environment: this process named as its parent, so that the web stops when this
    process is gone however it ended (closed terminal, kill -9), see buyerweb/server.py. When a
    tunnel on this machine forwards buyers to it (`up --share`), the web believes the forwarded
    client address from loopback only, so its rate limits see buyers, not the tunnel."""
    env = {**os.environ, "LUCKYDRAW_WEB_PARENT_PID": str(os.getpid())}
    if sharing:
        env["LUCKYDRAW_TRUSTED_PROXIES"] = "127.0.0.1,::1"
    return env


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on (host, port) — tested by binding it (SO_REUSEADDR, as servers
    do, so a connection lingering in TIME_WAIT does not count as taken)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]") or "0.0.0.0", port))
        except OSError:
            return False
    return True


def run_console(
    db_url: str | None,
    *,
    web_url: str | None = None,
    web_status=None,
    crash_log: str | Path = CONSOLE_LOG,
    tunnel=None,
) -> int:
    """Open the console on the database; returns the exit code. An unexpected error ends it with
    its traceback in `crash_log` and one line on the terminal (exit code 1)."""
    try:
        return open_console(db_url, web_url=web_url, web_status=web_status, crash_log=crash_log, tunnel=tunnel)
    except ConsoleCrashed as crash:
        say(f"the console stopped on an error ({crash.summary}); the details are in {Path(crash_log).resolve()}")
        return 1


def open_console(
    db_url: str | None,
    *,
    web_url: str | None = None,
    web_status=None,
    crash_log: str | Path = CONSOLE_LOG,
    tunnel=None,
) -> int:
    """Run the console once: its exit code when the organiser quits, ConsoleCrashed when an error
    ended it (the traceback written to `crash_log`)."""
    from shared.setup import connect

    url = shared_url(db_url)
    try:
        connect(url)
    except Exception as error:
        say(f"cannot open the database {url}: {type(error).__name__}: {error}")
        return 1
    from .app import LuckyDrawApp

    app = LuckyDrawApp(url, web_url=web_url, web_status=web_status, tunnel=tunnel)
    RUNNING.append(app)
    try:
        app.run()
    except Exception as error:
        log_crash(Path(crash_log), traceback.format_exc())
        raise ConsoleCrashed(f"{type(error).__name__}: {error}") from error
    finally:
        RUNNING.remove(app)
    if app.crash is not None:
        log_crash(Path(crash_log), app.crash.details)
        raise ConsoleCrashed(app.crash.summary)
    return app.return_code or 0


def run_web(db_url: str | None, host: str, port: int, workers: int | None) -> int:
    """The buyer web in the foreground, until it ends or Ctrl+C (which the terminal sends to it too)."""
    process = subprocess.Popen(web_command(shared_url(db_url), host, port, workers), env=web_env())
    try:
        return process.wait()
    except KeyboardInterrupt:
        try:
            process.wait(STOP_TIMEOUT)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            process.kill()
            process.wait()
        return 130


def health_url(host: str, port: int) -> str:
    local = "127.0.0.1" if host in ("", "0.0.0.0") else "::1" if host in ("::", "[::]") else host.strip("[]")
    return f"http://[{local}]:{port}/healthz" if ":" in local else f"http://{local}:{port}/healthz"


def wait_until_healthy(process: subprocess.Popen, url: str, timeout: float = HEALTH_TIMEOUT) -> str | None:
    """None once GET /healthz answers 200; otherwise why not, in one sentence."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            return f"the buyer web stopped while starting (exit code {code})"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return f"the buyer web did not answer {url} within {timeout:.0f} s"


def last_line(path: Path) -> str:
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the child and every process it started (its own session, see run_up)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signum)
        elif signum == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def stop(process: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> None:
    """Terminate the web and its worker processes, wait, and kill whatever will not go."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process, getattr(signal, "SIGKILL", signal.SIGTERM))  # leftovers, e.g. orphaned workers
    process.wait()


def terminal_gone(had_terminal: bool) -> bool:
    """True when `up` started in a terminal that is no longer there (closed window, lost SSH)."""
    if not had_terminal:
        return False
    try:
        os.tcgetpgrp(sys.stdin.fileno())
    except (OSError, ValueError):
        return True
    return False


def wait_for_enter() -> bool:
    """True once the organiser pressed Enter; False when there is no one to press it."""
    try:
        return sys.stdin.readline() != ""
    except (OSError, ValueError):
        return False


def keep_console(open_once, *, address: str, console_log: Path, web_alive, ended=lambda: False) -> int:
    """Run the console until the organiser quits it (its exit code). A crash is logged (the
    traceback in `console_log`), told in one line, and the console opened again while the buyer
    web keeps serving: after RESTART_PAUSE, or after Enter when it crashed RAPID_CRASHES times in
    a row. `ended()` is true once the terminal went away: then there is nothing to reopen."""
    had_terminal = sys.stdin is not None and sys.stdin.isatty()
    crashes: list[float] = []
    while True:
        try:
            return int(open_once() or 0)
        except ConsoleCrashed as crash:
            summary = crash.summary
        except Exception as error:
            log_crash(console_log, traceback.format_exc())
            summary = f"{type(error).__name__}: {error}"
        if ended() or terminal_gone(had_terminal):
            return 1
        now = time.monotonic()
        count, window = RAPID_CRASHES
        crashes = [t for t in crashes if now - t < window] + [now]
        web = f"the buyer web is still serving at {address}" if web_alive() else "the buyer web has stopped too"
        rapid = len(crashes) >= count
        then = "Press Enter to open it again, or Ctrl+C to stop." if rapid else "Opening it again…"
        say(f"the console stopped on an error ({summary}); {web}. Details in {console_log}. {then}")
        if rapid:
            if had_terminal and not wait_for_enter():
                return 1
            if not had_terminal:
                time.sleep(RESTART_PAUSE * 10)
            crashes.clear()
        else:
            time.sleep(RESTART_PAUSE)


def stop_on_signal(process: subprocess.Popen, handled, gone: list):
    """The handler `up` installs for SIGHUP and SIGTERM (`handled`); it notes the signal in `gone`."""

    def ended(signum, _frame):
        """The terminal went away (SIGHUP) or we were asked to stop (SIGTERM): stop the buyer web
        first — whatever the console does next — then close the console (its event loop ends it
        cleanly, restoring the terminal), or end at once when none is open. Should closing hang
        (a terminal that is gone can block its last writes), the process ends after EXIT_GRACE."""
        gone.append(signum)
        for sig in handled:
            signal.signal(sig, signal.SIG_IGN)  # one stop, however many signals follow
        stop(process)
        watchdog = threading.Timer(EXIT_GRACE, os._exit, (128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        app = RUNNING[-1] if RUNNING else None
        if app is not None and app.is_running:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                loop.call_soon_threadsafe(app.exit, 128 + signum)
                return
        raise SystemExit(128 + signum)

    return ended


def run_up(
    db_url: str | None,
    host: str,
    port: int,
    workers: int | None,
    *,
    log_path: str | Path = WEB_LOG,
    console_log: str | Path = CONSOLE_LOG,
    console=None,
    share=None,
    tunnel_log: str | Path = TUNNEL_LOG,
) -> int:
    """The one command an organiser runs: the buyer web in the background, the console in front.
    `share` (a tunnel client) also runs that tunnel, supervised, and its public address becomes the
    buyer address. `console` (for tests) replaces the console: called with the buyer URL, a status
    function and, when sharing, tunnel=the Tunnel."""
    if not port_is_free(host, port):
        say(f"Port {port} is already in use; try --port {port + 1}")
        return 2
    url = shared_url(db_url)
    log_path = Path(log_path).resolve()
    console_log = Path(console_log).resolve()
    previous = {
        sig: signal.getsignal(sig)
        for sig in (getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
    }
    gone = []

    with open(log_path, "ab") as log:
        log.write(f"\n--- luckydraw up {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
        log.flush()
        process = subprocess.Popen(
            web_command(url, host, port, workers),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=web_env(sharing=share is not None),
        )

    ended = stop_on_signal(process, previous, gone)

    tunnel = None
    try:
        for sig in previous:
            signal.signal(sig, ended)
        problem = wait_until_healthy(process, health_url(host, port))
        if problem:
            detail = last_line(log_path)
            say(f"{problem}; see {log_path}" + (f": {detail}" if detail else ""))
            return 1
        address = buyer_url(host, port)
        if share is not None:
            tunnel = Tunnel(share, port, log_path=tunnel_log).start()
            say(f"starting {share.label()} for a public address (log: {tunnel.log_path})…")
            address = tunnel.wait_for_address(SHARE_WAIT) or address

        def web_status() -> str | None:
            code = process.poll()
            return None if code is None else f"buyer web stopped (exit {code}); see {log_path.name}"

        def open_once() -> int:
            shown = tunnel.state().address if tunnel is not None else None
            if console is not None:
                return console(shown or address, web_status, **({"tunnel": tunnel} if tunnel else {}))
            return open_console(
                url, web_url=shown or address, web_status=web_status, crash_log=console_log, tunnel=tunnel
            )

        return keep_console(
            open_once,
            address=address,
            console_log=console_log,
            web_alive=lambda: process.poll() is None,
            ended=lambda: bool(gone),
        )
    except KeyboardInterrupt:
        return 130
    finally:
        if tunnel is not None:
            tunnel.stop()
        if process.poll() is None:
            say("stopping the buyer web…")
        stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
