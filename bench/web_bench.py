"""Buyer web benchmark: today's server (`python -m buyerweb`, granian) against the previous one
(gunicorn + waitress workers, bench/legacy_web.py) on the same app and database, in the same run,
so that the ratios mean something on a shared machine. Loopback only, each phase bounded in time.

Phases, each for the old server and then the new one:
  1. no-database ceiling: GET /healthz, 64 connections
  2. polling on SQLite: GET /api/check_payment/<id>, 64 connections
     (target: ≥ 3× the old server's req/s, p99 ≤ 20 ms)
  3. polling again while 200 slow or idle client connections stay open (target: p99 ≤ 25 ms)
  4. memory of the whole web (every process): RSS and PSS at idle and at the peak of phase 2
  5. sale opening on SQLite: 2,000 buyers race for 500 tickets (target: every ticket held once,
     zero 5xx, ≥ 1.5× the old server's attempts/s, p99 ≤ 150 ms)
  6. polling on PostgreSQL with 4 workers (target: ≥ 3× the old server's req/s), when a PostgreSQL
     URL is given or LUCKYDRAW_TEST_POSTGRES_URL is set

The old server's gunicorn and waitress are pip-installed into a folder of their own on first use
(.venv/bench-legacy-server), never into the project's environment.

Usage: .venv/bin/python bench/web_bench.py [--seconds 8] [--pg URL] [--only poll|race|pg]
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from legacy_web import legacy_deps, legacy_env
from webload import MemorySampler, SlowClients, WebServer, poll_script, race, run_wrk

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.draws import validate_settings
from shared.models import Order, Ticket
from shared.new_draw import create_draw

CONNECTIONS = 64
OLD, NEW = "old", "new"


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


def polling_database(url: str, tmp: Path, orders: int = 400) -> Path:
    make_draw(url, tmp, tickets=2000)
    ids = [hold_tickets(f"Buyer {i}", f"{9_100_000_000 + i}", [2 * i + 1, 2 * i + 2]).session_id for i in range(orders)]
    shared_db.close()
    paths = tmp / f"poll-paths-{uuid.uuid4().hex[:6]}.txt"
    paths.write_text("".join(f"/api/check_payment/{sid}\n" for sid in ids))
    return paths


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


def start(which: str, url: str, workers, legacy, env: dict | None = None) -> WebServer:
    base = legacy if which == OLD else {}
    return WebServer(url, workers=workers, legacy=which == OLD, env={**(base or {}), **(env or {})})


COUNT = "counts = {}\nresponse = function(s) counts[s] = (counts[s] or 0) + 1 end"


def run_polling(which: str, url: str, paths: Path, seconds: float, workers, legacy, slow=True) -> dict:
    server = start(which, url, workers, legacy)
    out = {"banner": server.banner}
    try:
        time.sleep(1)  # let start-up settle: the idle figure is a web that has served one request
        out["idle_memory"] = server.memory()
        run_wrk(server.url + "/healthz", "counts = {}", CONNECTIONS, 2)  # warm up
        out["healthz"] = run_wrk(server.url + "/healthz", COUNT, CONNECTIONS, seconds)
        run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, 2)  # warm up: connections, caches
        cpu = server.cpu_seconds()
        with MemorySampler(server) as sampler:
            out["poll"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
        out["poll"]["cpu_us"] = (server.cpu_seconds() - cpu) / max(1, out["poll"]["requests"]) * 1e6
        out["load_memory"] = sampler.peak
        if slow:
            with SlowClients("127.0.0.1", server.port, idle=100, slow=100) as clients:
                opened = clients.open_now
                out["poll_slow"] = run_wrk(server.url + "/", poll_script(str(paths)), CONNECTIONS, seconds)
                out["slow_open"], out["slow_reopened"] = opened, clients.reopened
    finally:
        server.stop()
    print(f"\n  [{which}] {out['banner']}")
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


def ratio_line(label: str, old: float, new: float, target: float, unit: str) -> tuple[str, bool]:
    ok = new >= target * old
    return f"  {label}: new {new:,.0f} {unit} vs old {old:,.0f} = {new / old:.2f}×   {verdict(ok)} (≥ {target}×)", ok


def compare_polling(title: str, outs: dict, slow=True) -> bool:
    old, new = outs[OLD], outs[NEW]
    line, ok = ratio_line("poll", old["poll"]["rps"], new["poll"]["rps"], 3, "req/s")
    cpu_old, cpu_new = old["poll"]["cpu_us"], new["poll"]["cpu_us"]
    print(f"\n{title}\n{line}")
    print(
        f"  server CPU a poll: new {cpu_new:.0f} µs vs old {cpu_old:.0f} µs = {cpu_old / cpu_new:.2f}× less "
        f"(less disturbed by other work on the machine than req/s)"
    )
    if slow:
        p99 = new["poll"]["p99_ms"]
        good = p99 <= 20 and not new["poll"]["timeouts"]
        print(f"  poll p99: new {p99:.1f} ms (old {old['poll']['p99_ms']:.1f} ms)   {verdict(good)} (≤ 20 ms)")
        s = new["poll_slow"]
        slow_ok = s["p99_ms"] <= 25 and not s["timeouts"] and s["requests"] > 0
        print(
            f"  poll p99 with 200 slow/idle conns open: new {s['p99_ms']:.1f} ms at {s['rps']:,.0f} req/s "
            f"(old {old['poll_slow']['p99_ms']:.1f} ms at {old['poll_slow']['rps']:,.0f} req/s)   "
            f"{verdict(slow_ok)} (≤ 25 ms)"
        )
        ok = ok and good and slow_ok
    return ok


def print_memory(outs: dict) -> None:
    print("\nMemory of the whole web (every process), SQLite, 2 workers:")
    for which in (OLD, NEW):
        idle, load = outs[which]["idle_memory"], outs[which]["load_memory"]
        print(
            f"  {which}: {idle['processes']} processes; idle RSS {idle['rss_mib']:.0f} MiB "
            f"(PSS {idle['pss_mib']:.0f}), "
            f"peak under the poll load RSS {load['rss_mib']:.0f} MiB (PSS {load['pss_mib']:.0f})"
        )


def run_race(which: str, url: str, seconds: float, workers, legacy, tickets=500, buyers=2000) -> dict:
    server = start(which, url, workers, legacy, BUYERS_BEHIND_PROXY)
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
    print(f"\n  [{which}] {server.banner}")
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


def compare_race(outs: dict) -> bool:
    old, new = outs[OLD], outs[NEW]
    line, ok = ratio_line("attempts/s", old["rate"], new["rate"], 1.5, "attempts/s")
    p99_ok = new["p99_ms"] <= 150
    print(f"\nSale opening on SQLite, 2,000 buyers, 500 tickets\n{line}")
    print(f"  p99: new {new['p99_ms']:.1f} ms (old {old['p99_ms']:.1f} ms)   {verdict(p99_ok)} (≤ 150 ms)")
    print(f"  server CPU an attempt: new {new['cpu_us']:.0f} µs vs old {old['cpu_us']:.0f} µs")
    print(f"  every ticket held once, zero 5xx: new {verdict(new['ok'])}, old {verdict(old['ok'])}")
    return ok and p99_ok and new["ok"]


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
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument(
        "--pg", default=os.environ.get("LUCKYDRAW_BENCH_POSTGRES_URL") or os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
    )
    parser.add_argument("--pg-workers", type=int, default=4)
    parser.add_argument("--only", choices=["poll", "race", "pg"], default=None)
    args = parser.parse_args()
    legacy = legacy_env(legacy_deps())
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(
            f"Buyer web benchmark, old server (gunicorn + waitress workers) against new (granian): "
            f"{os.cpu_count()} cores shared by server and wrk (1 thread); phases of {args.seconds:.0f} s"
        )
        if args.only in (None, "poll"):
            url = str(tmp / "poll.db")
            paths = polling_database(url, tmp)
            print("\nPolling on SQLite, 2 workers")
            outs = {which: run_polling(which, url, paths, args.seconds, 2, legacy) for which in (OLD, NEW)}
            ok &= compare_polling("Polling on SQLite, 2 workers, 64 connections", outs)
            print_memory(outs)
        if args.only in (None, "race"):
            print("\nSale opening on SQLite, 2 workers")
            outs = {}
            for which in (OLD, NEW):
                url = str(tmp / f"race-{which}.db")
                make_draw(url, tmp, tickets=500, max_pending=2)
                shared_db.close()
                outs[which] = run_race(which, url, args.seconds + 7, 2, legacy)
            ok &= compare_race(outs)
        if args.only in (None, "pg"):
            if not args.pg:
                print("\n[PostgreSQL] skipped: pass --pg postgresql://... or set LUCKYDRAW_TEST_POSTGRES_URL")
            else:
                url, drop = pg_database(args.pg)
                try:
                    paths = polling_database(url, tmp)
                    print(f"\nPolling on PostgreSQL, {args.pg_workers} workers")
                    outs = {
                        which: run_polling(which, url, paths, args.seconds, args.pg_workers, legacy, slow=False)
                        for which in (OLD, NEW)
                    }
                    ok &= compare_polling(
                        f"Polling on PostgreSQL, {args.pg_workers} workers, 64 connections", outs, slow=False
                    )
                finally:
                    drop()
        print("\nAll targets met." if ok else "\nSome targets were missed: see MISS lines above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
