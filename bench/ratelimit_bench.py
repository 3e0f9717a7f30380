"""Rate limits with several web workers: how many booking attempts one IP gets through
`luckydraw web --workers 4` in a fixed time, with the buckets shared through the database (the
default) and kept per worker (LUCKYDRAW_RATE_LIMITS=process), against the setting; and what one
shared hit costs next to an in-memory one.

Loopback only, bounded: SECONDS per run (default 30), ~40 attempts a second, each on a new
connection so the kernel spreads them over the workers. PostgreSQL too when
LUCKYDRAW_TEST_POSTGRES_URL is set. `.venv/bin/python bench/ratelimit_bench.py`"""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from shared import db as shared_db
from shared import setup
from shared.draws import validate_settings
from shared.new_draw import create_draw
from shared.rate_buckets import SharedRateLimiter
from shared.ratelimit import Limit, RateLimiter

ROOT = Path(__file__).resolve().parents[1]
SETTING = "60/60"
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
RATE = 40  # attempts per second from the one IP
PORT = int(os.environ.get("BENCH_PORT", "19380"))


def prepare(url: str, folder: str) -> None:
    setup.connect(url)
    settings = validate_settings(
        name="Bench", ticket_count=100, price_paise=1000, payee_vpa="organiser@okaxis", payee_name="Organiser"
    )
    create_draw(settings, exports_dir=folder)
    shared_db.close()


def attempt() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("POST", "/api/orders", body=b"{}", headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def run(url: str, mode: str) -> tuple[int, int, float]:
    env = {**os.environ, "LUCKYDRAW_HOLD_LIMIT_IP": SETTING, "LUCKYDRAW_HOLD_LIMIT_MOBILE": "off"}
    env["LUCKYDRAW_RATE_LIMITS"] = mode
    command = [sys.executable, "-m", "buyerweb", "--db", url, "--host", "127.0.0.1", "--port", str(PORT)]
    proc = subprocess.Popen(
        [*command, "--workers", "4"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        proc.stdout.readline()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1.5)  # every worker up
        statuses: list[int] = []
        lock = threading.Lock()
        start = time.monotonic()

        def shoot(at: float) -> None:
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status = attempt()
            with lock:
                statuses.append(status)

        threads = []
        for n in range(int(SECONDS * RATE)):
            thread = threading.Thread(target=shoot, args=(start + n / RATE,))
            thread.start()
            threads.append(thread)
            if len(threads) > 64:
                threads.pop(0).join()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        allowed = sum(1 for s in statuses if s != 429)
        return allowed, len(statuses), elapsed
    finally:
        proc.terminate()
        proc.wait(15)


def hit_cost(url: str) -> tuple[float, float]:
    setup.connect(url)
    shared = SharedRateLimiter("bench", Limit(1_000_000, 60))
    memory = RateLimiter(Limit(1_000_000, 60))
    n = 2000
    t = time.perf_counter()
    for i in range(n):
        shared.hit(f"10.0.{i % 250}.{i % 7}")
    shared_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for i in range(n):
        memory.hit(f"10.0.{i % 250}.{i % 7}")
    memory_us = (time.perf_counter() - t) / n * 1e6
    shared_db.close()
    return shared_us, memory_us


def databases(folder: str):
    yield "SQLite", str(Path(folder) / "bench.db"), None
    base = os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
    if base:
        import psycopg2

        schema = "bench_" + uuid.uuid4().hex[:8]
        conn = psycopg2.connect(base)
        conn.autocommit = True
        conn.cursor().execute(f"CREATE SCHEMA {schema}")
        yield "PostgreSQL", f"{base}{'&' if '?' in base else '?'}schema={schema}", (conn, schema)


def main() -> int:
    count, seconds = (int(x) for x in SETTING.split("/"))
    print(
        f"setting {SETTING} (burst {count}, then {count} per {seconds} s); "
        f"{RATE} attempts/s from one IP for {SECONDS:.0f} s"
    )
    expected = count + count / seconds * SECONDS
    with tempfile.TemporaryDirectory() as folder:
        for name, url, pg in databases(folder):
            try:
                for mode in ("shared", "process"):
                    prepare_url = url
                    if mode == "process" and name == "SQLite":
                        prepare_url = url.replace("bench.db", "bench-process.db")
                    prepare(prepare_url, folder)
                    allowed, sent, elapsed = run(prepare_url, mode)
                    print(
                        f"{name:10} {mode:7}: {allowed} of {sent} attempts allowed in {elapsed:.0f} s "
                        f"(one bucket would allow {expected:.0f}: {allowed / expected:.2f}×)"
                    )
                    if mode == "shared" and pg is not None:
                        conn, schema = pg
                        conn.cursor().execute(f"DROP SCHEMA {schema} CASCADE")
                        conn.cursor().execute(f"CREATE SCHEMA {schema}")
                shared_us, memory_us = hit_cost(url)
                print(f"{name:10} one hit: shared {shared_us:.0f} µs, in memory {memory_us:.1f} µs")
            finally:
                if pg is not None:
                    conn, schema = pg
                    conn.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
