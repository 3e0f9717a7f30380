"""Buyer web benchmark: the default `luckydraw web` server (`python -m buyerweb`) under load.

Phases, side by side in one run (loopback only, each phase bounded in time):
  1. no-database ceiling: GET /healthz, 64 connections
  2. polling: GET /api/check_payment/<id>, 64 connections (target ≥ 4,000 req/s, p99 ≤ 50 ms)
  3. polling again while 200 slow or idle client connections stay open (target p99 ≤ 100 ms)
  4. sale opening: 2,000 buyers race for 500 tickets (target: every ticket held once, zero 5xx,
     ≥ 1,000 holds/s, p99 ≤ 300 ms)
  5. the same race with several workers on PostgreSQL (when a PostgreSQL URL is given or
     LUCKYDRAW_TEST_POSTGRES_URL is set)

Usage: .venv/bin/python bench/web_bench.py [--seconds 10] [--workers N] [--pg URL] [--compare]
  --compare   also measures other server settings (gunicorn sync, waitress) for docs/web.md
"""

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

from webload import SlowClients, WebServer, poll_script, race, run_wrk

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.draws import validate_settings
from shared.models import Order, Ticket
from shared.new_draw import create_draw

CONNECTIONS = 64


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


def polling_database(tmp: Path, orders: int = 400) -> tuple[str, Path]:
    url = str(tmp / "poll.db")
    make_draw(url, tmp, tickets=2000)
    ids = []
    for i in range(orders):
        hold = hold_tickets(f"Buyer {i}", f"{9_100_000_000 + i}", [2 * i + 1, 2 * i + 2])
        ids.append(hold.session_id)
    shared_db.close()
    paths = tmp / "poll-paths.txt"
    paths.write_text("".join(f"/api/check_payment/{sid}\n" for sid in ids))
    return url, paths


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


def run_polling(label: str, url: str, paths: Path, seconds: float, workers=None, env=None) -> dict:
    server = WebServer(url, workers=workers, env=env)
    out = {"banner": server.banner}
    try:
        run_wrk(server.url + "/healthz", "counts = {}", CONNECTIONS, 2)  # warm up
        out["healthz"] = run_wrk(
            server.url + "/healthz",
            "counts = {}\nresponse = function(s) counts[s] = (counts[s] or 0) + 1 end",
            CONNECTIONS,
            seconds,
        )
        run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, 2)  # warm up: connections, caches
        out["poll"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
        with SlowClients("127.0.0.1", server.port, idle=100, slow=100) as slow:
            opened = slow.open_now
            out["poll_slow"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
            out["slow_open"], out["slow_reopened"] = opened, slow.reopened
    finally:
        server.stop()
    h, p, s = out["healthz"], out["poll"], out["poll_slow"]
    print(f"\n[{label}] {out['banner']}")
    print(f"  GET /healthz (no database, ceiling)      {fmt(h)}{errors_of(h)}")
    print(
        f"  GET /api/check_payment/<id>, 64 conns    {fmt(p)}{errors_of(p)}   "
        f"= {p['rps'] / h['rps']:.0%} of the ceiling   "
        f"{verdict(p['rps'] >= 4000 and p['p99_ms'] <= 50)} (≥ 4,000 req/s, p99 ≤ 50 ms)"
    )
    print(
        f"  same, with 200 slow/idle conns open      {fmt(s)}{errors_of(s)}   "
        f"{verdict(s['p99_ms'] <= 100 and not s['timeouts'] and s['requests'] > 0)} "
        f"(p99 ≤ 100 ms; {out['slow_open']} held open, "
        f"{out['slow_reopened']} closed by the server and reopened)"
    )
    return out


def run_race(
    label: str, url: str, seconds: float, workers=None, env=None, tickets=500, buyers=2000, connections=64
) -> dict:
    server = WebServer(url, workers=workers, env=env)
    try:
        result = race("127.0.0.1", server.port, tickets, buyers, connections, timeout=seconds)
    finally:
        server.stop()
    check = check_race(url, tickets)
    created = result["status"].get(201, 0)
    fivexx = sum(v for k, v in result["status"].items() if k >= 500 or k == 0)
    rate = result["answered"] / result["elapsed"]
    ok = (
        check["all_held"]
        and not check["doubles"]
        and not check["mismatched"]
        and fivexx == 0
        and rate >= 1000
        and result["p99_ms"] <= 300
        and not result["client_error_count"]
    )
    print(f"\n[{label}] {server.banner}")
    print(
        f"  {buyers:,} buyers race for {tickets} tickets over {connections} connections: {result['answered']:,} "
        f"answered in {result['elapsed']:.2f} s = {rate:,.0f} holds/s (attempts), {created} bookings made"
    )
    print(
        f"  latency p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.0f} ms; "
        f"statuses {dict(sorted(result['status'].items()))}"
        + (
            f"; client errors {result['client_error_count']} {result['client_errors']}"
            if result["client_error_count"]
            else ""
        )
    )
    print(
        f"  tickets held {check['held']}/{tickets}, in {check['orders']} live orders; numbers in two orders: "
        f"{len(check['doubles'])}; ticket rows not matching their order: {len(check['mismatched'])}; 5xx: {fivexx}   "
        f"{verdict(ok)} (all held once, zero 5xx, ≥ 1,000 holds/s, p99 ≤ 300 ms)"
    )
    return {"result": result, "check": check, "rate": rate, "ok": ok, "banner": server.banner}


def pg_database(base: str) -> tuple[str, callable]:
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

    return f"{base}{sep}schema={schema}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=None, help="override the default worker count")
    parser.add_argument(
        "--pg", default=os.environ.get("LUCKYDRAW_BENCH_POSTGRES_URL") or os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
    )
    parser.add_argument("--pg-workers", type=int, default=None, help="default: the server's own default")
    parser.add_argument("--compare", action="store_true", help="also measure other server settings")
    parser.add_argument("--only", choices=["poll", "race", "pg"], default=None)
    args = parser.parse_args()
    if not Path("/usr/bin/wrk").exists() and not os.environ.get("PATH"):
        print("wrk is needed: apt-get install wrk")
        return 1
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(
            f"Buyer web benchmark: {os.cpu_count()} cores shared by server and wrk (1 thread); "
            f"phases of {args.seconds:.0f} s"
        )
        ok = True
        if args.only in (None, "poll"):
            url, paths = polling_database(tmp)
            out = run_polling("SQLite, default server", url, paths, args.seconds, workers=args.workers)
            ok &= out["poll"]["rps"] >= 4000 and out["poll"]["p99_ms"] <= 50 and out["poll_slow"]["p99_ms"] <= 100
            if args.compare:
                run_polling(
                    "SQLite, gunicorn gthread 2 × 4 (not chosen)",
                    url,
                    paths,
                    args.seconds,
                    workers=2,
                    env={"LUCKYDRAW_GUNICORN_WORKER": "gthread"},
                )
                run_polling(
                    "SQLite, gunicorn sync × 4 (not chosen)",
                    url,
                    paths,
                    args.seconds,
                    workers=4,
                    env={"LUCKYDRAW_GUNICORN_WORKER": "sync", "LUCKYDRAW_WEB_THREADS": "1"},
                )
                run_polling(
                    "SQLite, waitress alone, 8 threads (the Windows fallback)",
                    url,
                    paths,
                    args.seconds,
                    env={"LUCKYDRAW_WEB_SERVER": "waitress", "LUCKYDRAW_WEB_THREADS": "8"},
                )
        if args.only in (None, "race"):
            url = str(tmp / "race.db")
            make_draw(url, tmp, tickets=500, max_pending=2)
            shared_db.close()
            race = run_race("SQLite, default server", url, args.seconds + 5, workers=args.workers)
            ok &= race["ok"]
        if args.only in (None, "pg"):
            if not args.pg:
                print("\n[PostgreSQL] skipped: pass --pg postgresql://... or set LUCKYDRAW_TEST_POSTGRES_URL")
            else:
                url, drop = pg_database(args.pg)
                try:
                    make_draw(url, tmp, tickets=500, max_pending=2)
                    shared_db.close()
                    race = run_race(
                        f"PostgreSQL, {args.pg_workers or 'default'} workers",
                        url,
                        args.seconds + 5,
                        workers=args.pg_workers,
                    )
                    ok &= race["ok"]
                    url2, paths = polling_database_pg(args.pg, tmp)
                    try:
                        run_polling(
                            f"PostgreSQL, {args.pg_workers or 'default'} workers",
                            url2[0],
                            paths,
                            args.seconds,
                            workers=args.pg_workers,
                        )
                    finally:
                        url2[1]()
                finally:
                    drop()
        print("\nAll targets met." if ok else "\nSome targets were missed: see MISS lines above.")
    return 0


def polling_database_pg(base: str, tmp: Path):
    url, drop = pg_database(base)
    make_draw(url, tmp, tickets=2000)
    ids = []
    for i in range(400):
        ids.append(hold_tickets(f"Buyer {i}", f"{9_100_000_000 + i}", [2 * i + 1, 2 * i + 2]).session_id)
    shared_db.close()
    paths = tmp / "poll-paths-pg.txt"
    paths.write_text("".join(f"/api/check_payment/{sid}\n" for sid in ids))
    return (url, drop), paths


if __name__ == "__main__":
    sys.exit(main())
