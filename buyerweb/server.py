"""Serve the buyer web with a production WSGI server (never Bottle's built-in one).

POSIX (Linux, macOS): gunicorn, pre-forked worker processes with threads, SO_REUSEPORT so that the
kernel spreads connections evenly over the workers. Windows, or wherever gunicorn cannot be
imported: waitress, one process with a thread pool. Either way the schema is migrated once, in
the launching process, before any worker starts; each worker then opens its own database
connections (one per thread, kept open)."""

import errno
import os
import socket
import sys
from urllib.parse import urlsplit, urlunsplit

from shared import db as shared_db

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080


def default_workers(db_url: str) -> int:
    """One worker process per core, at least two (measured on 2 cores, docs/web.md: more workers
    than cores only made the CPUs' queue longer, on SQLite and on PostgreSQL alike)."""
    cores = os.cpu_count() or 2
    if db_url.startswith(("postgres://", "postgresql://")):
        return max(2, min(cores, 16))
    return max(2, min(cores, 4))  # SQLite has one writer at a time whatever the worker count


def choose_server(requested: str | None = None) -> str:
    requested = (requested or os.environ.get("LUCKYDRAW_WEB_SERVER") or "auto").lower()
    if requested in ("gunicorn", "waitress"):
        return requested
    if os.name == "posix":
        try:
            import gunicorn  # noqa: F401

            return "gunicorn"
        except ImportError:
            pass
    return "waitress"


class PortTaken(Exception):
    pass


def check_port(host: str, port: int) -> None:
    """Fail early, with one clear line, when something already listens on host:port (gunicorn
    itself would retry for seconds and then print a page of log lines)."""
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


def _app_factory(db_url: str, secret: str):
    def factory():
        from .app import create_app

        return create_app(db_url, migrate=False, secret=secret)

    return factory


def serve(
    db_url: str | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int | None = None,
    threads: int | None = None,
    server: str | None = None,
) -> int:
    db_url = shared_db.resolve_url(db_url)
    host = host.strip("[]") or DEFAULT_HOST
    server = choose_server(server)
    check_port(host, port)
    database = shared_db.connect(db_url)  # migrate once, here, before any worker exists
    database.close()
    # One signing secret for every worker (CSRF tokens, buyer cookie): from the environment, or
    # (None) the one stored in the database, which each worker reads when it starts.
    secret = os.environ.get("LUCKYDRAW_SECRET") or None
    if server == "gunicorn":
        return _serve_gunicorn(
            db_url,
            host,
            port,
            workers or default_workers(db_url),
            threads or int(os.environ.get("LUCKYDRAW_WEB_THREADS", "4")),
            secret,
        )
    return _serve_waitress(db_url, host, port, threads or int(os.environ.get("LUCKYDRAW_WEB_THREADS", "8")), secret)


def _serve_gunicorn(db_url, host, port, workers, threads, secret) -> int:
    from gunicorn.app.base import BaseApplication

    worker_class = os.environ.get("LUCKYDRAW_GUNICORN_WORKER", "waitress")
    if worker_class == "waitress":
        worker_class = "buyerweb.gworker.WaitressWorker"
    shown = {"buyerweb.gworker.WaitressWorker": "gunicorn + waitress workers"}.get(
        worker_class, f"gunicorn {worker_class}"
    )
    detail = f"{workers} worker{'s' if workers != 1 else ''}" + (
        f" × {threads} threads" if worker_class != "sync" else ""
    )
    line = address_line(shown, host, port, detail, db_url)
    reuse_port = (
        sys.platform.startswith("linux")
        and hasattr(socket, "SO_REUSEPORT")
        and os.environ.get("LUCKYDRAW_REUSE_PORT", "1") != "0"
    )

    class Launcher(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "worker_class": worker_class,
                "threads": threads,
                "worker_connections": 2000,
                # Linux spreads connections over per-worker SO_REUSEPORT sockets; elsewhere
                # (macOS) the last socket bound would get them all, so share the master's.
                "reuse_port": reuse_port,
                "backlog": 2048,
                "keepalive": 15,
                "timeout": int(os.environ.get("LUCKYDRAW_WORKER_TIMEOUT", "30")),
                "graceful_timeout": 5,
                "limit_request_line": 4094,
                "limit_request_fields": 60,
                "limit_request_field_size": 8190,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": os.environ.get("LUCKYDRAW_WEB_LOGLEVEL", "warning"),
                "proc_name": "luckydraw-web",
                "preload_app": False,
                "when_ready": lambda _server: print(line, flush=True),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return _app_factory(db_url, secret)()

    Launcher().run()
    return 0


def _serve_waitress(db_url, host, port, threads, secret) -> int:
    import waitress

    sys.setswitchinterval(float(os.environ.get("LUCKYDRAW_GIL_SWITCH", "0.001")))  # see gworker.py
    app = _app_factory(db_url, secret)()
    try:
        server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            connection_limit=4000,
            channel_timeout=60,
            backlog=2048,
            ident="luckydraw",
            max_request_body_size=64 * 1024,
            clear_untrusted_proxy_headers=False,  # the app decides whom to believe (http.apply_forwarded)
        )
    except OSError as exc:
        raise PortTaken(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    print(address_line("waitress", host, port, f"1 process × {threads} threads", db_url), flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


def main_error(message: str) -> int:
    print(f"luckydraw web: {' '.join(str(message).split())}", file=sys.stderr, flush=True)
    return 2
