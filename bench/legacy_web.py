"""The buyer web's previous server, kept only so that bench/web_bench.py can measure it side by side
with today's in the same run: gunicorn as the process manager with a worker class that runs
waitress inside each pre-forked worker, the GIL switch interval lowered to 1 ms, 4 threads a worker.
The product no longer ships it; gunicorn and waitress are installed into a folder of their own for
the benchmark run (`legacy_deps()`), never into the project's environment.

Run by the benchmark as `python bench/legacy_web.py --db URL --host H --port P --workers N [--app A]`
with that folder on PYTHONPATH; it prints the same one-line banner as `python -m buyerweb`.

`--app as-filed` (the default) serves the app as it was when the server was replaced (issue 14's
baseline): every poll through its Bottle route, no poll fast path (`buyerweb.poll.PollFastPath`) in
front and no cache of the polled rows (`shared.status_cache`). `--app today` serves today's app
unchanged, for the stricter comparison of the servers alone."""

import argparse
import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VERSIONS = ["gunicorn==27.0.1", "waitress==3.0.2"]  # what `luckydraw web` ran (MEASURED.md)


def legacy_deps() -> Path:
    """A folder holding gunicorn and waitress for the old server (installed on first use)."""
    target = Path(os.environ.get("LUCKYDRAW_BENCH_LEGACY_DEPS") or ROOT / ".venv" / "bench-legacy-server")
    stamp = target / (".installed-" + "-".join(VERSIONS))
    if not stamp.exists():
        print(f"installing {' and '.join(VERSIONS)} for the old server into {target}", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(target)]
            + VERSIONS,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"could not install the old server's packages:\n{done.stderr[-2000:]}")
        stamp.touch()
    return target


def legacy_env(deps: Path) -> dict:
    return {"PYTHONPATH": os.pathsep.join([str(deps), str(HERE), str(ROOT)])}


try:
    from gunicorn.workers.base import Worker
except ImportError:  # imported by web_bench.py for legacy_deps(), outside the old server's folder
    Worker = object


class WaitressWorker(Worker):
    """waitress inside a gunicorn worker: slow clients cost a socket, not a thread."""

    def run(self):
        from waitress import wasyncore
        from waitress.server import create_server

        sys.setswitchinterval(0.001)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        socket_map = {}
        server = create_server(
            self.wsgi,
            map=socket_map,
            sockets=[listener.sock for listener in self.sockets],
            threads=max(1, self.cfg.threads),
            connection_limit=self.cfg.worker_connections,
            channel_timeout=60,
            cleanup_interval=10,
            backlog=self.cfg.backlog,
            ident="luckydraw",
            asyncore_use_poll=True,
            max_request_body_size=64 * 1024,
            clear_untrusted_proxy_headers=True,
            expose_tracebacks=False,
            log_untrusted_proxy_headers=False,
            # behind a proxy on loopback (the sale opening's buyers name their own addresses), as the
            # product's own LUCKYDRAW_TRUSTED_PROXIES does
            **(
                {"trusted_proxy": "127.0.0.1", "trusted_proxy_headers": {"x-forwarded-for"}, "trusted_proxy_count": 1}
                if os.environ.get("LUCKYDRAW_TRUSTED_PROXIES")
                else {}
            ),
        )
        last_notify = 0.0
        try:
            while self.alive:
                now = time.monotonic()
                if now - last_notify >= 1.0:
                    self.notify()
                    last_notify = now
                    if self.ppid != os.getppid():
                        break
                wasyncore.loop(timeout=1.0, map=socket_map, use_poll=True, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=5)


AS_FILED, TODAY = "as-filed", "today"


def as_filed(app):
    """The app as issue 14 measured it: the poll answered by its Bottle route (the fast path in
    front taken away: `app.front` is the layer it wraps) and read from the database each time."""
    from buyerweb.poll import PollFastPath
    from shared import status_cache

    if isinstance(app.front, PollFastPath):
        app.__dict__["front"] = app.front.app  # Bottle refuses to set an attribute twice
    status_cache.disable()
    return app


def serve(db_url: str, host: str, port: int, workers: int, threads: int = 4, app_as: str = AS_FILED) -> None:
    from gunicorn.app.base import BaseApplication

    from buyerweb.server import address_line
    from shared import setup

    database = setup.connect(db_url)
    database.close()
    secret = secrets.token_hex(32)
    what = "app as filed: poll through the route" if app_as == AS_FILED else "today's app"
    line = address_line(
        f"gunicorn + waitress workers ({what})", host, port, f"{workers} workers × {threads} threads", db_url
    )

    class Launcher(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "legacy_web.WaitressWorker",
                "threads": threads,
                "worker_connections": 2000,
                "reuse_port": True,
                "backlog": 2048,
                "keepalive": 15,
                "timeout": 30,
                "graceful_timeout": 5,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "preload_app": False,
                "when_ready": lambda _server: print(line, flush=True),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from buyerweb.app import create_app

            app = create_app(db_url, migrate=False, secret=secret)
            return as_filed(app) if app_as == AS_FILED else app

    Launcher().run()


def main() -> int:
    parser = argparse.ArgumentParser(description="The previous buyer-web server (benchmark only).")
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--app", choices=[AS_FILED, TODAY], default=AS_FILED)
    args = parser.parse_args()
    serve(args.db, args.host, args.port, args.workers, app_as=args.app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
