"""Benchmark of the Excel export: a draw of 100,000 tickets with ~20,000 paid bookings.

Builds the draw with bulk inserts into a temporary SQLite file (in a child process), then runs in
fresh child processes, so that memory figures are each run's own: a baseline that only reads every
row the export reads, the same rows written to an unstyled write-only workbook (openpyxl's floor),
and `export_draw` itself. Prints wall and CPU seconds, peak RSS and its rise during the run.

    .venv/bin/python bench/export_bench.py [--tickets 100000] [--orders 20000] [--keep]

Targets: export <= 8 s and <= 100 MiB peak RSS. Prints figures; not a test.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

FIRST = [
    "Aarav",
    "Vivaan",
    "Aditya",
    "Priya",
    "Ananya",
    "Diya",
    "Ishaan",
    "Kavya",
    "Rohan",
    "Sneha",
    "Arjun",
    "Meera",
    "Rahul",
    "Pooja",
    "Sanjay",
    "Lakshmi",
    "Farhan",
    "Gurpreet",
    "Nisha",
    "Vikram",
]
LAST = [
    "Sharma",
    "Patel",
    "Iyer",
    "Reddy",
    "Khan",
    "Singh",
    "Nair",
    "Gupta",
    "Das",
    "Mukherjee",
    "Joshi",
    "Kulkarni",
    "Menon",
    "Chatterjee",
    "Verma",
]
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build(db_path: str, tickets: int, paid_orders: int, seed: int = 7) -> dict:
    """Fill a fresh database: paid, pending, expired and cancelled orders and their payments."""
    from shared import db as shared_db
    from shared import setup
    from shared.models import Draw, Order, Payment, Ticket
    from shared.winner_algorithm import commitment, new_seed

    rng = random.Random(seed)
    setup.connect(db_path)
    start = datetime(2025, 10, 1, 4, 30)
    secret = new_seed()
    numbers = list(range(1, tickets + 1))
    rng.shuffle(numbers)
    references, sessions, utrs = set(), set(), set()

    def unique(pool, make):
        while True:
            value = make()
            if value not in pool:
                pool.add(value)
                return value

    def reference():
        return unique(references, lambda: "LD-" + "".join(rng.choice(ALPHABET) for _ in range(6)))

    def session():
        return unique(sessions, lambda: f"{rng.randrange(10**12):012d}")

    def utr():
        return unique(utrs, lambda: f"{rng.randrange(10**12):012d}")

    def internal_id():
        return unique(utrs, lambda: "NOUTR-" + "".join(rng.choice(ALPHABET) for _ in range(10)))

    def name():
        text = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return "=" + text if rng.random() < 0.001 else text

    price = 500
    ticket_rows = {
        n: {"draw": 1, "number": n, "state": "free", "order": None, "held_until": None} for n in range(1, tickets + 1)
    }
    orders, payments = [], []
    taken = 0
    plan = [("paid", paid_orders, 7), ("pending", 400, 3), ("expired", 1500, 5), ("cancelled", 300, 4)]
    for state, count, most in plan:
        for _ in range(count):
            size = rng.randint(1, most)
            if state in ("paid", "pending") and taken + size > tickets:
                break
            order_id = len(orders) + 1
            created = start + timedelta(seconds=rng.randrange(30 * 24 * 3600))
            mine = (
                sorted(numbers[taken : taken + size])
                if state in ("paid", "pending")
                else sorted(rng.sample(range(1, tickets + 1), size))
            )
            if state in ("paid", "pending"):
                taken += size
            payable = price * size + rng.randrange(100)
            orders.append(
                {
                    "id": order_id,
                    "draw": 1,
                    "session_id": session(),
                    "reference": reference(),
                    "name": name(),
                    "mobile": f"{rng.choice('6789')}{rng.randrange(10**9):09d}",
                    "tickets": ",".join(map(str, mine)),
                    "ticket_count": size,
                    "base_paise": price * size,
                    "payable_paise": payable,
                    "amount_unique": True,
                    "amount_lock": None,
                    "state": state,
                    "source": "web",
                    "created_at": created,
                    "expires_at": created + timedelta(minutes=10),
                    "ended_at": None if state == "pending" else created + timedelta(minutes=3),
                    "paid_at": created + timedelta(minutes=3) if state == "paid" else None,
                }
            )
            for number in mine if state in ("paid", "pending") else ():
                ticket_rows[number].update(
                    state="sold" if state == "paid" else "held",
                    order=order_id,
                    held_until=None if state == "paid" else datetime(2099, 1, 1),
                )
            if state == "paid":
                quick = rng.random() < 0.05
                payments.append(
                    {
                        "draw": 1,
                        "amount_paise": payable,
                        "utr": internal_id() if quick else utr(),
                        "utr_missing": quick,
                        "reference": orders[-1]["reference"] if rng.random() < 0.3 else None,
                        "payer": orders[-1]["name"].upper(),
                        "payer_vpa": f"{rng.randrange(10**10)}@ybl",
                        "source": "quick" if quick else "sms",
                        "received_at": created + timedelta(minutes=2),
                        "recorded_at": created + timedelta(minutes=3),
                        "status": "matched",
                        "attention_reason": None,
                        "order": order_id,
                        "candidate": None,
                        "note": None,
                    }
                )
    for index in range(350):
        attention = index < 50
        payments.append(
            {
                "draw": 1,
                "amount_paise": rng.randrange(500, 5000),
                "utr": utr(),
                "utr_missing": False,
                "reference": None,
                "payer": name(),
                "payer_vpa": None,
                "source": "manual",
                "received_at": start + timedelta(days=rng.randrange(30)),
                "recorded_at": start + timedelta(days=30),
                "status": "attention" if attention else "unmatched",
                "attention_reason": "double_payment" if attention else None,
                "order": None,
                "candidate": rng.randrange(1, paid_orders) if attention else None,
                "note": None,
            }
        )

    with shared_db.write_tx():
        Draw.insert(
            id=1,
            name="Bench Mega Draw",
            ticket_count=tickets,
            price_paise=price,
            payee_vpa="organiser@okaxis",
            payee_name="Asha Stores",
            created_at=start,
            seed=secret,
            seed_hash=commitment(secret),
            state="open",
        ).execute()
        for model, rows in ((Order, orders), (Ticket, list(ticket_rows.values())), (Payment, payments)):
            for first in range(0, len(rows), 2000):
                model.insert_many(rows[first : first + 2000]).execute()
    shared_db.close()
    return {
        "orders": len(orders),
        "paid": sum(o["state"] == "paid" for o in orders),
        "tickets": tickets,
        "tickets_sold": sum(r["state"] == "sold" for r in ticket_rows.values()),
        "payments": len(payments),
    }


def peak_mib() -> float:
    """Peak resident memory of this process: VmHWM where /proc has it, else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mib()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, db_path: str, out: str) -> None:
    """Runs in a fresh process; prints one JSON line of figures."""
    if mode == "build":
        args = json.loads(out)
        print(json.dumps(build(db_path, args["tickets"], args["orders"])))
        return
    from openpyxl import Workbook

    from shared import export, setup

    setup.connect(db_path)
    now = datetime(2025, 11, 1, 12, 0)
    before, before_cpu = peak_mib(), cpu_seconds()
    started = time.perf_counter()
    rows = 0
    if mode in ("iterate", "plain"):  # the same reads; no workbook, or one without any styling
        wb = Workbook(write_only=True) if mode == "plain" else None
        with export._snapshot():
            draw = export.get_draw(1)
            clock = export.Clock(None, now)
            rows += len(export._summary_rows(draw, clock, now))
            for title, rows_of in (
                ("Bookings", export._booking_rows(draw, clock)),
                ("Tickets", export._ticket_rows(draw, now)),
                ("Payments", export._payment_rows(draw, clock)),
            ):
                ws = wb.create_sheet(title) if wb else None
                for row in rows_of:
                    if ws is not None:
                        ws.append(row)
                    rows += 1
        if wb is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            wb.save(out + ".plain.xlsx")
    else:
        calls = []
        export.export_draw(1, out, progress=lambda done, total: calls.append((done, total)), now=now)
        rows = calls[-1][1]
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": mode,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds() - before_cpu,
                "rows": rows,
                "rss_before_mib": before,
                "rss_peak_mib": peak_mib(),
            }
        )
    )


def run_child(mode: str, db_path: str, out: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, db_path, out], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=20_000, help="paid orders")
    parser.add_argument("--repeat", type=int, default=3, help="export runs")
    parser.add_argument("--keep", action="store_true", help="keep the database and the workbook")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    folder = Path(tempfile.mkdtemp(prefix="luckydraw-export-bench-"))
    db_path, out = str(folder / "bench.db"), str(folder / "out" / "draw-1.xlsx")
    started = time.perf_counter()
    built = run_child("build", db_path, json.dumps({"tickets": args.tickets, "orders": args.orders}))
    print(f"built in {time.perf_counter() - started:.1f} s (bulk inserts, SQLite): {built}")

    base = run_child("iterate", db_path, out)
    plain = run_child("plain", db_path, out)
    runs = [run_child("export", db_path, out) for _ in range(args.repeat)]
    size = Path(out).stat().st_size / 2**20
    print(f"rows over all sheets: {runs[0]['rows']:,}; workbook {size:.1f} MiB")
    print(f"{'':34}{'wall s':>8}{'CPU s':>8}{'peak RSS MiB':>14}{'rise MiB':>10}")
    table = [("read rows only (baseline)", base), ("same rows, unstyled openpyxl", plain)]
    table += [(f"export_draw run {i + 1}", r) for i, r in enumerate(runs)]
    for label, r in table:
        print(
            f"{label:34}{r['seconds']:8.2f}{r['cpu_seconds']:8.2f}{r['rss_peak_mib']:14.1f}"
            f"{r['rss_peak_mib'] - r['rss_before_mib']:10.1f}"
        )
    best = min(r["seconds"] for r in runs)
    worst = max(r["seconds"] for r in runs)
    peak = max(r["rss_peak_mib"] for r in runs)
    cpu_best = min(r["cpu_seconds"] for r in runs)
    print(
        f"CPU time ratios: export / read-only {cpu_best / base['cpu_seconds']:.1f}x; "
        f"export / unstyled openpyxl {cpu_best / plain['cpu_seconds']:.2f}x"
    )
    cpu = max(r["cpu_seconds"] for r in runs)
    print(
        f"targets: <= 8 s ({'met' if worst <= 8 else 'MISSED'}: wall {best:.2f}-{worst:.2f} s, CPU at most "
        f"{cpu:.2f} s; wall exceeds CPU when other processes share the cores), "
        f"<= 100 MiB peak RSS ({'met' if peak <= 100 else 'MISSED'}: {peak:.1f} MiB)"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.keep:
        print(f"kept: {folder}")
    else:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
