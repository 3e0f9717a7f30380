"""Starting programs for the command line: the console alone, the buyer web alone, or both
(`luckydraw up`: the web in the background with its output in a log file, the console in front,
and the web stopped cleanly whenever the console ends, however it ends).

The buyer web is always its own process (`python -m buyerweb`); nothing here imports it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from shared.db import resolve_url

from .tunnels import TUNNEL_LOG, Tunnel

WEB_LOG = "luckydraw-web.log"
HEALTH_TIMEOUT = 10.0
STOP_TIMEOUT = 8.0  # more than the web's own graceful shutdown (5 s)
SHARE_WAIT = 20.0  # how long `up --share` waits for the tunnel's address before opening the console


def say(text: str) -> None:
    print(f"luckydraw: {text}", file=sys.stderr, flush=True)


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


def web_environment(sharing: bool) -> dict[str, str] | None:
    """The web's environment: when a tunnel on this machine forwards buyers to it, the web believes
    the forwarded client address from loopback only, so its rate limits see buyers, not the tunnel."""
    if not sharing:
        return None
    return {**os.environ, "LUCKYDRAW_TRUSTED_PROXIES": "127.0.0.1,::1"}


def web_command(db_url: str, host: str, port: int, workers: int | None) -> list[str]:
    command = [sys.executable, "-m", "buyerweb", "--db", db_url, "--host", host, "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    return command


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


def run_console(db_url: str | None, *, web_url: str | None = None, web_status=None, tunnel=None) -> int:
    """Open the console on the database; returns the exit code."""
    from shared.db import connect

    url = shared_url(db_url)
    try:
        connect(url)
    except Exception as error:
        say(f"cannot open the database {url}: {type(error).__name__}: {error}")
        return 1
    from .app import LuckyDrawApp

    app = LuckyDrawApp(url, web_url=web_url, web_status=web_status, tunnel=tunnel)
    app.run()
    return app.return_code or 0


def run_web(db_url: str | None, host: str, port: int, workers: int | None) -> int:
    """The buyer web in the foreground, until it ends or Ctrl+C (which the terminal sends to it too)."""
    process = subprocess.Popen(web_command(shared_url(db_url), host, port, workers))
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


def run_up(
    db_url: str | None,
    host: str,
    port: int,
    workers: int | None,
    *,
    log_path: str | Path = WEB_LOG,
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
    previous = {
        sig: signal.getsignal(sig)
        for sig in (getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
    }

    def ended(signum, _frame):
        raise SystemExit(128 + signum)

    with open(log_path, "ab") as log:
        log.write(f"\n--- luckydraw up {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
        log.flush()
        process = subprocess.Popen(
            web_command(url, host, port, workers),
            env=web_environment(share is not None),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
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

        if console is not None:
            return int(console(address, web_status, **({"tunnel": tunnel} if tunnel else {})) or 0)
        return run_console(url, web_url=address, web_status=web_status, tunnel=tunnel)
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
