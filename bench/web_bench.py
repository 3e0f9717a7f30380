"""Buyer web benchmark: the server `luckydraw web` runs (`python -m buyerweb`, granian), on SQLite
and PostgreSQL, loopback only, each phase bounded in time. Every figure is printed next to one
taken in the same run: the server's own no-database ceiling (`/healthz`), so that the figures mean
something on a shared machine. The previous server (gunicorn + waitress) and its side-by-side
figures are in docs/web.md.

Phases:
  1. no-database ceiling: GET /healthz, 64 connections
  2. polling on SQLite: GET /api/check_payment/<id>, 64 connections (target: p99 ≤ 20 ms)
  3. polling again while 200 slow or idle client connections stay open (target: p99 ≤ 25 ms)
  4. memory of the whole web (every process): RSS and PSS at idle and at the peak of phase 2
  5. sale opening on SQLite: 2,000 buyers race for 500 tickets (target: every ticket held once,
     zero 5xx, p99 ≤ 150 ms). One opening lasts a second or two, so there are `--race-rounds`
     of them (default 3) and the median round is judged; every round is printed
  6. polling on PostgreSQL with 4 workers, when a PostgreSQL URL is given or
     LUCKYDRAW_TEST_POSTGRES_URL is set; then polling while another client writes bookings at a
     steady rate (cancels polled bookings, holds new ones: every write invalidates that booking in
     each worker's cache), and after it every cancelled booking polled again on 16 connections
     (target: no answer still showing it pending). The share of polls answered without a
     database read is counted from PostgreSQL's own statistics (index scans of the session-id
     index against polls sent).

Usage: .venv/bin/python bench/web_bench.py [--seconds 8] [--pg URL] [--pg-write-rate 20]
       [--only poll|race|pg] [--race-rounds 3]
"""

import argparse
import http.client
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from webload import MemorySampler, SlowClients, WebServer, poll_script, race, run_wrk

from shared import db as shared_db
from shared import setup
from shared.booking import cancel_order, hold_tickets
from shared.draws import validate_settings
from shared.models import Order, Ticket
from shared.new_draw import create_draw

CONNECTIONS = 64


class Numbers:
    """Ticket numbers handed out in order, so that each booking the benchmark makes gets free ones."""

    def __init__(self, first: int = 1):
        self.next = first

    def take(self, count: int) -> list[int]:
        taken = list(range(self.next, self.next + count))
        self.next += count
        return taken


def make_draw(url: str, tmp: Path, tickets: int, max_pending: int = 2):
    setup.connect(url)
    settings = validate_settings(
        name="Bench Mela",
        ticket_count=tickets,
        price_paise=500,
        payee_vpa="organiser@okaxis",
        payee_name="Bench Stores",
        hold_minutes=30,
        max_per_order=20,
        max_pending_per_mobile=max_pending,
    )
    return create_draw(settings, exports_dir=str(tmp / "exports"))


MOBILES = iter(range(9_100_000_000, 9_200_000_000))


def hold_bookings(count: int, numbers: Numbers) -> list[tuple[str, str]]:
    """`count` pending bookings of two tickets each: (session id, reference)."""
    made = []
    for _ in range(count):
        mobile = next(MOBILES)
        hold = hold_tickets(f"Buyer {mobile}", str(mobile), numbers.take(2))
        made.append((hold.session_id, hold.reference))
    return made


def path_list(tmp: Path, ids) -> Path:
    paths = tmp / f"poll-paths-{uuid.uuid4().hex[:6]}.txt"
    paths.write_text("".join(f"/api/check_payment/{sid}\n" for sid in ids))
    return paths


def polling_database(url: str, tmp: Path, orders: int = 400, tickets: int = 2000) -> tuple[Path, Numbers]:
    make_draw(url, tmp, tickets=tickets)
    numbers = Numbers()
    ids = [sid for sid, _ in hold_bookings(orders, numbers)]
    shared_db.close()
    return path_list(tmp, ids), numbers


def check_race(url: str, tickets: int) -> dict:
    """Every ticket held by at most one live order; how many are held."""
    setup.connect(url, create=False)
    try:
        live = list(Order.select(Order.id, Order.tickets).where(Order.state.in_(["pending", "paid"])))
        seen, doubles = {}, []
        for order in live:
            for n in order.numbers:
                if n in seen:
                    doubles.append(n)
                seen[n] = order.id
        held = {t.number: t.order_id for t in Ticket.select().where(Ticket.state != "free")}
        mismatched = [n for n, oid in held.items() if seen.get(n) != oid]
        return {
            "orders": len(live),
            "tickets_in_orders": len(seen),
            "held": len(held),
            "doubles": doubles,
            "mismatched": mismatched,
            "all_held": len(held) == tickets,
        }
    finally:
        shared_db.close()


def fmt(result: dict) -> str:
    return f"{result['rps']:8,.0f} req/s  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"


def errors_of(result: dict) -> str:
    parts = []
    for key in ("connect_errors", "read_errors", "write_errors", "timeouts"):
        if result.get(key):
            parts.append(f"{key} {result[key]}")
    bad = {k: v for k, v in result["status"].items() if k >= 400}
    if bad:
        parts.append(f"status {bad}")
    return ("  [" + ", ".join(parts) + "]") if parts else ""


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# The sale opening's buyers each come from their own address (as they would, on their phones):
# the load generator names it in X-Forwarded-For and the servers trust loopback as their proxy,
# so the per-connection hold caps (issue 10) see 2,000 buyers, not one.
BUYERS_BEHIND_PROXY = {"LUCKYDRAW_TRUSTED_PROXIES": "127.0.0.1,::1"}


def start(url: str, workers, env: dict | None = None) -> WebServer:
    return WebServer(url, workers=workers, env=env)


COUNT = "counts = {}\nresponse = function(s) counts[s] = (counts[s] or 0) + 1 end"


def run_polling(url: str, paths: Path, seconds: float, workers, slow=True, env=None) -> dict:
    server = start(url, workers, env)
    out = {"banner": server.banner}
    try:
        time.sleep(1)  # let start-up settle: the idle figure is a web that has served one request
        out["idle_memory"] = server.memory()
        run_wrk(server.url + "/healthz", "counts = {}", CONNECTIONS, 2)  # warm up
        out["healthz"] = run_wrk(server.url + "/healthz", COUNT, CONNECTIONS, seconds)
        warm = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, 2)  # warm up: connections, caches
        cpu = server.cpu_seconds()
        with MemorySampler(server) as sampler:
            out["poll"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
        out["poll"]["cpu_us"] = (server.cpu_seconds() - cpu) / max(1, out["poll"]["requests"]) * 1e6
        out["polls_sent"] = warm["requests"] + out["poll"]["requests"]
        out["load_memory"] = sampler.peak
        if slow:
            with SlowClients("127.0.0.1", server.port, idle=100, slow=100) as clients:
                opened = clients.open_now
                out["poll_slow"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
                out["slow_open"], out["slow_reopened"] = opened, clients.reopened
    finally:
        server.stop()
    print(f"\n  {out['banner']}")
    h, p = out["healthz"], out["poll"]
    print(f"    GET /healthz (no database, ceiling)    {fmt(h)}{errors_of(h)}")
    print(
        f"    GET /api/check_payment/<id>, 64 conns  {fmt(p)}{errors_of(p)}   "
        f"= {p['rps'] / h['rps']:.0%} of the ceiling; server CPU {p['cpu_us']:.0f} µs a request"
    )
    if slow:
        s = out["poll_slow"]
        print(
            f"    same, 200 slow/idle conns open         {fmt(s)}{errors_of(s)}   "
            f"({out['slow_open']} held open, {out['slow_reopened']} closed by the server and reopened)"
        )
    return out


def judge_polling(out: dict) -> bool:
    p99 = out["poll"]["p99_ms"]
    good = p99 <= 20 and not out["poll"]["timeouts"]
    print(f"  poll p99: {p99:.1f} ms   {verdict(good)} (≤ 20 ms)")
    s = out["poll_slow"]
    slow_ok = s["p99_ms"] <= 25 and not s["timeouts"] and s["requests"] > 0
    print(
        f"  poll p99 with 200 slow/idle conns open: {s['p99_ms']:.1f} ms at {s['rps']:,.0f} req/s   "
        f"{verdict(slow_ok)} (≤ 25 ms)"
    )
    return good and slow_ok


def print_memory(out: dict) -> None:
    idle, load = out["idle_memory"], out["load_memory"]
    print(
        f"\nMemory of the whole web (every process), SQLite, 2 workers: {idle['processes']} processes; "
        f"idle RSS {idle['rss_mib']:.0f} MiB (PSS {idle['pss_mib']:.0f}), "
        f"peak under the poll load RSS {load['rss_mib']:.0f} MiB (PSS {load['pss_mib']:.0f})"
    )


def run_race(url: str, seconds: float, workers, tickets=500, buyers=2000) -> dict:
    server = start(url, workers, BUYERS_BEHIND_PROXY)
    try:
        cpu = server.cpu_seconds()
        result = race("127.0.0.1", server.port, tickets, buyers, CONNECTIONS, timeout=seconds)
        cpu_us = (server.cpu_seconds() - cpu) / max(1, result["answered"]) * 1e6
    finally:
        server.stop()
    check = check_race(url, tickets)
    created = result["status"].get(201, 0)
    fivexx = sum(v for k, v in result["status"].items() if k >= 500 or k == 0)
    rate = result["answered"] / result["elapsed"]
    held_once = check["all_held"] and not check["doubles"] and not check["mismatched"]
    print(f"\n  {server.banner}")
    print(
        f"    {buyers:,} buyers race for {tickets} tickets over {CONNECTIONS} connections: {result['answered']:,} "
        f"answered in {result['elapsed']:.2f} s = {rate:,.0f} attempts/s, {created} bookings made; "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.0f} ms; "
        f"server CPU {cpu_us:.0f} µs an attempt"
    )
    print(
        f"    statuses {dict(sorted(result['status'].items()))}; tickets held {check['held']}/{tickets} in "
        f"{check['orders']} live orders; in two orders: {len(check['doubles'])}; rows not matching their order: "
        f"{len(check['mismatched'])}; 5xx: {fivexx}"
        + (
            f"; client errors {result['client_error_count']} {result['client_errors']}"
            if result["client_error_count"]
            else ""
        )
    )
    return {
        "rate": rate,
        "p99_ms": result["p99_ms"],
        "cpu_us": cpu_us,
        "ok": held_once and fivexx == 0 and not result["client_error_count"],
    }


def median_round(results: list[dict]) -> dict:
    """The round whose attempts/s is the median (a sale opening lasts one or two seconds, so one
    round is at the mercy of whatever else the machine did in them)."""
    ordered = sorted(results, key=lambda r: r["rate"])
    return ordered[(len(ordered) - 1) // 2]


def judge_race(rounds: list[dict]) -> bool:
    middle = median_round(rounds)
    p99_ok = middle["p99_ms"] <= 150
    every = all(r["ok"] for r in rounds)
    print("\nSale opening on SQLite, 2,000 buyers, 500 tickets")
    each = ", ".join(f"{r['rate']:,.0f}" for r in rounds)
    print(f"  attempts/s of each round {each}")
    print(f"  median round: {middle['rate']:,.0f} attempts/s, server CPU {middle['cpu_us']:.0f} µs an attempt")
    print(f"  p99 of the median round: {middle['p99_ms']:.1f} ms   {verdict(p99_ok)} (≤ 150 ms)")
    print(f"  every ticket held once, zero 5xx, in every round: {verdict(every)}")
    return p99_ok and every


def pg_database(base: str) -> tuple[str, str, callable]:
    import psycopg2

    schema = "bench_" + uuid.uuid4().hex[:10]
    conn = psycopg2.connect(base)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    conn.close()
    sep = "&" if "?" in base else "?"

    def drop():
        c = psycopg2.connect(base)
        c.autocommit = True
        with c.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        c.close()

    return f"{base}{sep}schema={schema}", schema, drop


class PgStats:
    """PostgreSQL's count of index scans of the bookings' session-id index (each poll that reads
    the database makes one), taken once a server's connections are all gone (a backend reports
    its last figures as it exits)."""

    INDEX_SCANS = (
        "SELECT COALESCE(SUM(idx_scan), 0) FROM pg_stat_user_indexes "
        "WHERE schemaname = %s AND relname = 'booking' AND indexrelname = 'booking_session_id'"
    )

    def __init__(self, base: str, schema: str):
        import psycopg2

        self.conn = psycopg2.connect(base)
        self.conn.autocommit = True
        self.schema = schema

    def scans(self) -> int:
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_stat_clear_snapshot()")
            cur.execute(self.INDEX_SCANS, (self.schema,))
            return int(cur.fetchone()[0])

    def wait_gone(self, application: str, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        with self.conn.cursor() as cur:
            while time.monotonic() < deadline:
                cur.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s", (application,))
                if cur.fetchone()[0] == 0:
                    return True
                time.sleep(0.1)
        return False

    def close(self):
        self.conn.close()


def served_from_cache(stats: PgStats, application: str, before: int, polls: int) -> float | None:
    """The share of `polls` answered without reading the database (None if the server's
    connections did not go away in time to count)."""
    if not stats.wait_gone(application) or not polls:
        return None
    return 1 - (stats.scans() - before) / polls


def run_pg_poll(url: str, stats: PgStats, paths: Path, seconds: float, workers) -> dict:
    application = f"luckydraw-bench-{uuid.uuid4().hex[:8]}"
    before = stats.scans()
    out = run_polling(url, paths, seconds, workers, slow=False, env={"PGAPPNAME": application})
    out["cached"] = served_from_cache(stats, application, before, out["polls_sent"])
    print(f"    polls answered without a database read: {share(out['cached'])} of {out['polls_sent']:,}")
    return out


def share(value: float | None) -> str:
    return "not counted" if value is None else f"{max(0.0, value):.1%}"


class BookingWriter:
    """Another client writing bookings at a steady rate, through the core as the console or another
    web machine would: each step cancels the next of `victims` (bookings being polled) and holds
    a new one. Each is a write to a booking row, so each reaches every worker's cache."""

    def __init__(self, victims: list[tuple[str, str]], numbers: Numbers, rate: float):
        self.victims = list(victims)
        self.numbers = numbers
        self.interval = 1 / rate
        self.cancelled: list[str] = []
        self.held = 0
        self.errors: list[str] = []
        self.elapsed = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        started = next_at = time.monotonic()
        try:
            while self.victims and not self._stop.wait(max(0.0, next_at - time.monotonic())):
                session_id, reference = self.victims.pop(0)
                cancel_order(reference)
                self.cancelled.append(session_id)
                mobile = next(MOBILES)
                hold_tickets(f"Buyer {mobile}", str(mobile), self.numbers.take(1))
                self.held += 1
                next_at += self.interval
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            self.errors.append(repr(exc))
        finally:
            self.elapsed = time.monotonic() - started
            shared_db.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)


def stale_answers(port: int, cancelled: list[str], connections: int = 16, patience: float = 2.0) -> tuple[int, int]:
    """Poll every cancelled booking on each of `connections` keep-alive connections (the kernel
    spreads them over the workers); an answer still showing it pending is asked again until
    `patience` seconds after the first ask (the change's notification may still be on its way),
    and counted stale if it never changes. Returns (stale, requests sent)."""
    import json

    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(connections)]
    stale = sent = 0
    try:
        for session_id in cancelled:
            for conn in conns:
                deadline = time.monotonic() + patience
                while True:
                    conn.request("GET", f"/api/check_payment/{session_id}")
                    answer = conn.getresponse()
                    body = answer.read()
                    sent += 1
                    if answer.status == 200 and json.loads(body)["status"] == "cancelled":
                        break
                    if time.monotonic() >= deadline:
                        stale += 1
                        break
                    time.sleep(0.01)
    finally:
        for conn in conns:
            conn.close()
    return stale, sent


def run_pg_writes(url: str, stats: PgStats, tmp: Path, numbers: Numbers, seconds: float, workers, rate: float) -> dict:
    setup.connect(url, create=False)
    victims = hold_bookings(300, numbers)  # the bookings polled, and cancelled one by one
    shared_db.close()
    paths = path_list(tmp, [sid for sid, _ in victims])
    application = f"luckydraw-bench-{uuid.uuid4().hex[:8]}"
    before = stats.scans()
    server = start(url, workers, {"PGAPPNAME": application})
    try:
        warm = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, 2)  # warm up, no writes
        cpu = server.cpu_seconds()
        with BookingWriter(victims, numbers, rate) as writer:
            result = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
        result["cpu_us"] = (server.cpu_seconds() - cpu) / max(1, result["requests"]) * 1e6
        stale, checked = stale_answers(server.port, writer.cancelled)
    finally:
        server.stop()
    polls = warm["requests"] + result["requests"] + checked
    out = {"poll": result, "stale": stale, "checked": checked, "writer": writer}
    # the writer's own reads use the reference index, never the session-id one
    out["cached"] = served_from_cache(stats, application, before, polls)
    print(f"\n  {server.banner}")
    print(
        f"    GET /api/check_payment/<id>, 64 conns  {fmt(result)}{errors_of(result)}   "
        f"server CPU {result['cpu_us']:.0f} µs a request"
    )
    print(
        f"    meanwhile {len(writer.cancelled)} polled bookings cancelled and {writer.held} new ones held in "
        f"{writer.elapsed:.1f} s = {(len(writer.cancelled) + writer.held) / max(writer.elapsed, 1e-9):.0f} "
        f"booking writes/s" + (f"; writer errors {writer.errors}" if writer.errors else "")
    )
    print(
        f"    polls answered without a database read: {share(out['cached'])} of {polls:,}; then each cancelled "
        f"booking polled on 16 connections: {checked:,} polls, {stale} still showing it pending after 2 s"
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument(
        "--pg", default=os.environ.get("LUCKYDRAW_BENCH_POSTGRES_URL") or os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
    )
    parser.add_argument("--pg-workers", type=int, default=4)
    parser.add_argument(
        "--pg-write-rate", type=float, default=20, help="cancels (and as many new holds) a second in the write phase"
    )
    parser.add_argument("--only", choices=["poll", "race", "pg"], default=None)
    parser.add_argument("--race-rounds", type=int, default=3, help="sale openings a server (median judged)")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(
            f"Buyer web benchmark (granian): {os.cpu_count()} cores shared by server and load generator "
            f"(wrk, 1 thread); phases of {args.seconds:.0f} s"
        )
        if args.only in (None, "poll"):
            url = str(tmp / "poll.db")
            paths, _ = polling_database(url, tmp)
            print("\nPolling on SQLite, 2 workers, 64 connections")
            out = run_polling(url, paths, args.seconds, 2)
            ok &= judge_polling(out)
            print_memory(out)
        if args.only in (None, "race"):
            print(f"\nSale opening on SQLite, 2 workers, {args.race_rounds} rounds")
            rounds = []
            for number in range(args.race_rounds):
                url = str(tmp / f"race-{number}.db")
                make_draw(url, tmp, tickets=500, max_pending=2)
                shared_db.close()
                rounds.append(run_race(url, args.seconds + 7, 2))
            ok &= judge_race(rounds)
        if args.only in (None, "pg"):
            if not args.pg:
                print("\n[PostgreSQL] skipped: pass --pg postgresql://... or set LUCKYDRAW_TEST_POSTGRES_URL")
            else:
                ok &= pg_phases(args, tmp)
        print("\nAll targets met." if ok else "\nSome targets were missed: see MISS lines above.")
    return 0


def pg_phases(args, tmp: Path) -> bool:
    url, schema, drop = pg_database(args.pg)
    stats = None
    try:
        paths, numbers = polling_database(url, tmp, tickets=5000)
        stats = PgStats(args.pg, schema)
        workers = args.pg_workers
        print(f"\nPolling on PostgreSQL, {workers} workers, 64 connections")
        run_pg_poll(url, stats, paths, args.seconds, workers)
        print(
            f"\nPolling on PostgreSQL while bookings are being written ({args.pg_write_rate:.0f} polled bookings "
            f"cancelled and as many held a second), {workers} workers, 64 connections"
        )
        writes = run_pg_writes(url, stats, tmp, numbers, args.seconds, workers, args.pg_write_rate)
        fresh = writes["stale"] == 0 and not writes["writer"].errors
        print(
            "  every cancelled booking read as cancelled once its change had been announced: "
            f"{writes['stale']} stale of {writes['checked']:,}   {verdict(fresh)}"
        )
        return fresh
    finally:
        if stats is not None:
            stats.close()
        drop()


if __name__ == "__main__":
    sys.exit(main())
