"""Domain-core benchmark: how many holds per second the core takes from 16 concurrent writers on
overlapping tickets (with a check that no ticket was held twice), and how long recording and
matching one payment takes as the number of pending bookings grows (100 → 1,000 → 10,000).

    .venv/bin/python bench/core_bench.py [--pg URL] [--writers 16] [--seconds 4] [--only holds|matching]

SQLite runs in a fresh file on disk. PostgreSQL runs too when --pg, LUCKYDRAW_BENCH_POSTGRES_URL or
LUCKYDRAW_TEST_POSTGRES_URL names a server (in a throw-away schema). Figures are printed, nothing is
asserted; targets: ≥ 1,000 holds/s on SQLite with 0 double holds, record+match ≤ 5 ms and flat.
The machine's load from other programs changes the wall-clock figures a lot; "CPU ms/attempt"
(this process's CPU time per hold attempt, all threads) is the steadier figure to compare.

Part 2 bulk-inserts the pending bookings twice over: with amounts as the core gives them (one base
amount, so 100 unique amounts and the rest matched by reference), and with every booking its own
amount, the case that puts the most rows in the amount index.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from shared import db as shared_db
from shared import setup
from shared.booking import hold_tickets
from shared.db import utcnow, write_tx
from shared.draws import validate_settings
from shared.errors import LimitReached, TicketsTaken
from shared.ids import new_reference, new_session_id
from shared.models import Order, Ticket
from shared.new_draw import create_draw
from shared.payments import record_payment
from shared.stats import reconcile

# --- databases -----------------------------------------------------------------------------------


class Target:
    """A fresh database: a SQLite file in a temporary folder, or a schema on a PostgreSQL server."""

    def __init__(self, kind: str, pg_url: str | None = None):
        self.kind = kind
        self.pg_url = pg_url
        if kind == "sqlite":
            self.dir = tempfile.mkdtemp(prefix="luckydraw-bench-")
            self.url = str(Path(self.dir) / "bench.db")
        else:
            self.schema = "bench_" + uuid.uuid4().hex[:10]
            self._pg("CREATE SCHEMA {}")
            self.url = f"{pg_url}{'&' if '?' in pg_url else '?'}schema={self.schema}"

    def _pg(self, statement):
        import psycopg2

        conn = psycopg2.connect(self.pg_url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement.format(self.schema))
        conn.close()

    def connect(self):
        return setup.connect(self.url)

    def drop(self):
        shared_db.close()
        if self.kind == "sqlite":
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            self._pg("DROP SCHEMA IF EXISTS {} CASCADE")


def new_bench_draw(tickets: int, max_per_order: int):
    settings = validate_settings(
        name="Benchmark Mela",
        ticket_count=tickets,
        price_paise=1000,
        payee_vpa="organiser@okaxis",
        payee_name="Bench Stores",
        hold_minutes=10,
        max_per_order=max_per_order,
        max_pending_per_mobile=50,
    )
    return create_draw(settings, exports_dir=tempfile.gettempdir())


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- 1. concurrent holds -------------------------------------------------------------------------


def double_holds(draw_id: int) -> int:
    """Numbers that two live bookings claim, read from both the orders and the ticket rows."""
    seen = Counter()
    for (tickets,) in (
        Order.select(Order.tickets).where((Order.draw == draw_id) & Order.state.in_(("pending", "paid"))).tuples()
    ):
        seen.update(int(n) for n in tickets.split(","))
    twice = sum(1 for c in seen.values() if c > 1)
    rows = {
        n: oid
        for n, oid in Ticket.select(Ticket.number, Ticket.order)
        .where((Ticket.draw == draw_id) & (Ticket.state != "free"))
        .tuples()
    }
    return twice + sum(1 for n in seen if n not in rows) + abs(len(rows) - len(seen))


def bench_holds(target: Target, writers: int, seconds: float, span: int) -> dict:
    target.connect()
    draw = new_bench_draw(100_000, 20)
    barrier = threading.Barrier(writers + 1)
    stop = threading.Event()
    tally = Counter()
    latencies = []
    lock = threading.Lock()

    def writer(index):
        rng = random.Random(index)
        mine = Counter()
        times = []
        barrier.wait()
        attempt = 0
        try:
            while not stop.is_set():
                attempt += 1
                tickets = rng.sample(range(1, span + 1), rng.randint(1, 3))
                started = time.perf_counter()
                try:
                    hold = hold_tickets("Bench Buyer", f"9{index:03d}{attempt:06d}", tickets)
                    mine["held"] += 1
                    mine["unique" if hold.amount_unique else "not_unique"] += 1
                except TicketsTaken:
                    mine["taken"] += 1
                except LimitReached:
                    mine["limit"] += 1
                times.append(time.perf_counter() - started)
        finally:
            shared_db.close()
            with lock:
                tally.update(mine)
                latencies.extend(times)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    doubles = double_holds(draw.id)
    ok = reconcile(draw.id).ok
    attempts = tally["held"] + tally["taken"] + tally["limit"]
    return {
        "holds_per_s": tally["held"] / elapsed,
        "attempts_per_s": attempts / elapsed,
        "held": tally["held"],
        "taken": tally["taken"],
        "limit": tally["limit"],
        "unique": tally["unique"],
        "not_unique": tally["not_unique"],
        "double_holds": doubles,
        "reconciled": ok,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "cpu_ms": cpu / max(attempts, 1) * 1000,
    }


# --- 2. record + match as pending bookings grow --------------------------------------------------


def add_pending(draw, first_number: int, count: int, now, locked: set | None) -> list[tuple[int, int, str, bool]]:
    """Bulk-create `count` pending one-ticket bookings on numbers first_number…, their tickets held,
    in one transaction. With `locked` (the amounts already reserved), amounts are given as the core
    gives them: the smallest free offset of the base amount, or the base amount, not unique, when all
    100 are in use. Without it every booking gets its own amount (the most rows the amount index can
    hold). Returns (order id, payable, reference, unique)."""
    expires = now + timedelta(minutes=draw.hold_minutes)
    rows = []
    for number in range(first_number, first_number + count):
        if locked is None:
            payable, unique = 1_000_000 + number, True
        else:
            base = draw.price_paise
            payable = next((a for a in range(base, base + 100) if a not in locked), None)
            unique = payable is not None
            payable = payable if unique else base
            if unique:
                locked.add(payable)
        rows.append(
            dict(
                draw=draw.id,
                session_id=new_session_id(),
                reference=new_reference(),
                name=f"Pending {number}",
                mobile=f"9{number:09d}",
                tickets=str(number),
                ticket_count=1,
                base_paise=draw.price_paise,
                payable_paise=payable,
                amount_unique=unique,
                amount_lock=payable if unique else None,
                state="pending",
                source="web",
                created_at=now,
                expires_at=expires,
            )
        )
    with write_tx():
        for start in range(0, len(rows), 500):
            Order.insert_many(rows[start : start + 500]).execute()
        made = list(
            Order.select(Order.id, Order.payable_paise, Order.reference, Order.amount_unique, Order.tickets)
            .where(
                (Order.draw == draw.id)
                & (Order.mobile >= f"9{first_number:09d}")
                & (Order.mobile < f"9{first_number + count:09d}")
            )
            .tuples()
        )
        for oid, _, _, _, number in made:
            Ticket.update(state="held", order=oid, held_until=expires).where(
                (Ticket.draw == draw.id) & (Ticket.number == int(number))
            ).execute()
    assert len(made) == count
    return [(oid, payable, ref, bool(unique)) for oid, payable, ref, unique, _ in made]


def bench_matching(target: Target, realistic: bool, sizes=(100, 1_000, 10_000), samples: int = 200) -> list[dict]:
    """For each size: top the pending bookings up to it, then time payments that each confirm a
    random pending booking — by amount alone (bookings with a unique amount) and by reference —
    and payments that fit nothing (every rule is tried)."""
    target.connect()
    draw = new_bench_draw(100_000, 1)
    now = utcnow()
    rng = random.Random(5)
    locked = set() if realistic else None
    pending, results, utr, next_number = {}, [], 300000000000, 1
    for size in sizes:
        grow = size - len(pending)
        for oid, payable, ref, unique in add_pending(draw, next_number, grow, now, locked):
            pending[oid] = (payable, ref, unique)
        next_number += grow
        live = Order.select().where((Order.draw == draw.id) & (Order.state == "pending")).count()
        unique_ids = [oid for oid, (_, _, unique) in pending.items() if unique]
        by_amount_ids = rng.sample(sorted(unique_ids), min(samples // 2, size // 4, len(unique_ids)))
        others = sorted(set(pending) - set(by_amount_ids))
        by_ref_ids = rng.sample(others, min(samples // 2, size // 4))
        timings = {"amount": [], "reference": [], "unmatched": []}
        for kind, ids in (("amount", by_amount_ids), ("reference", by_ref_ids)):
            for oid in ids:
                payable, ref, _ = pending.pop(oid)
                utr += 1
                started = time.perf_counter()
                result = record_payment(payable, str(utr), reference=ref if kind == "reference" else None, now=now)
                timings[kind].append(time.perf_counter() - started)
                assert result.confirmed, result.message
        for i in range(samples // 2):
            utr += 1
            started = time.perf_counter()
            record_payment(777 + i, str(utr), now=now)
            timings["unmatched"].append(time.perf_counter() - started)
        both = timings["amount"] + timings["reference"]
        results.append(
            {
                "pending": live,
                "p50_ms": statistics.median(both) * 1000,
                "p95_ms": percentile(both, 95) * 1000,
                "amount_n": len(timings["amount"]),
                "amount_p50_ms": statistics.median(timings["amount"] or [0]) * 1000,
                "reference_p50_ms": statistics.median(timings["reference"]) * 1000,
                "unmatched_p50_ms": statistics.median(timings["unmatched"]) * 1000,
                "unmatched_p95_ms": percentile(timings["unmatched"], 95) * 1000,
            }
        )
    problems = reconcile(draw.id).problems
    if problems:
        print("  RECONCILIATION PROBLEMS:", problems)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", default=os.environ.get("LUCKYDRAW_BENCH_POSTGRES_URL") or os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
    )
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--span", type=int, default=20_000, help="tickets the writers pick from (overlap)")
    parser.add_argument("--only", choices=("holds", "matching"))
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgres"] if args.pg else [])

    if args.only != "matching":
        bench_all_holds(args, kinds)
    if args.only != "holds":
        bench_all_matching(args, kinds)
    return 0


def bench_all_holds(args, kinds):
    print(
        f"1. Holds: {args.writers} writer threads for {args.seconds:.0f} s, 1–3 random tickets each "
        f"from numbers 1–{args.span:,} of a 100,000-ticket draw"
    )
    for kind in kinds:
        target = Target(kind, args.pg)
        try:
            r = bench_holds(target, args.writers, args.seconds, args.span)
        finally:
            target.drop()
        print(
            f"   {kind:8} {r['holds_per_s']:7.0f} holds/s ({r['attempts_per_s']:.0f} attempts/s; "
            f"{r['held']} held, {r['taken']} refused as taken, {r['limit']} limit) "
            f"latency p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms; CPU {r['cpu_ms']:.2f} ms/attempt; "
            f"unique amounts {r['unique']}, not unique {r['not_unique']}; "
            f"double holds {r['double_holds']}; reconciled {r['reconciled']}"
        )


def bench_all_matching(args, kinds):
    print("2. Record + match one payment as pending bookings grow (100,000-ticket draw, one ticket per booking)")
    for realistic, title in (
        (True, "amounts as the core gives them: 100 unique, the rest matched by reference"),
        (False, "worst case for the amount index: every booking its own amount"),
    ):
        print(f"   {title}")
        for kind in kinds:
            target = Target(kind, args.pg)
            try:
                rows = bench_matching(target, realistic)
            finally:
                target.drop()
            for r in rows:
                print(
                    f"   {kind:8} pending {r['pending']:6,}: median {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms "
                    f"(by amount {r['amount_p50_ms']:.2f} ×{r['amount_n']}, by reference {r['reference_p50_ms']:.2f}; "
                    f"unmatched median {r['unmatched_p50_ms']:.2f} ms, p95 {r['unmatched_p95_ms']:.2f} ms)"
                )
            print(f"   {kind:8} ratio of medians 10,000 vs 100 pending: {rows[-1]['p50_ms'] / rows[0]['p50_ms']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
