"""Benchmark of the bank-statement import: a 10,000-row statement into a draw with 5,000 pending
bookings.

The statement (HDFC layout, CSV, title and footer rows) has a credit for each booking with its
reference in the UPI note, credits nobody booked for, credits without a UTR and debits. Prints the
seconds of reading the file, of the dry run, of the import, and of importing it again (which
changes nothing), with the outcome counts.

    .venv/bin/python bench/statement_bench.py [--rows 10000] [--pending 5000] [--db URL] [--keep]

Target: import <= 10 s. Prints figures; not a test. Also prints, for scale, the CPU cost of one
plain record_payment on this machine at this moment: each credit row goes through it.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "statements"))

IST = timezone(timedelta(hours=5, minutes=30))


def build_draw(pending: int):
    from shared.booking import hold_tickets
    from shared.draws import validate_settings
    from shared.new_draw import create_draw

    per = 20
    create_draw(
        validate_settings(
            name="Benchmark Mela",
            ticket_count=pending * (per + 1) // 2 + per * 2,
            price_paise=1000,
            payee_vpa="mela@okaxis",
            payee_name="Mela Samiti",
            hold_minutes=240,
            max_per_order=per,
        ),
        exports_dir=tempfile.mkdtemp(),
    )
    bookings, number = [], 1
    for i in range(pending):
        count = 1 + i % per
        bookings.append(hold_tickets(f"Buyer {i}", f"9{i:09d}", list(range(number, number + count))))
        number += count
    return bookings


def build_statement(path: str, rows: int, bookings) -> dict:
    from statement_files import Txn, write

    rng = random.Random(7)
    start = datetime.now(IST).replace(tzinfo=None, microsecond=0) + timedelta(seconds=30)
    txns, kinds = [], {"booking": 0, "stranger": 0, "no_utr": 0, "debit": 0}
    utr = 400000000000
    for i in range(rows):
        at = start + timedelta(seconds=i)
        utr += 1
        if i < len(bookings) and i < rows * 6 // 10:
            b = bookings[i]
            txns.append(Txn(at, b.payable_paise, utr=str(utr), name="BUYER", vpa=f"b{i}@okaxis", note=b.reference))
            kinds["booking"] += 1
        elif i % 5 == 0:
            txns.append(Txn(at, rng.randint(100, 500000), credit=False, narration=f"NEFT DR-VENDOR {i}"))
            kinds["debit"] += 1
        elif i % 7 == 0:
            txns.append(Txn(at, rng.randint(100, 500000), narration=f"CASH DEPOSIT BRANCH {i}"))
            kinds["no_utr"] += 1
        else:
            txns.append(Txn(at, rng.randint(100, 500000), utr=str(utr), name="SOMEONE", vpa=f"s{i}@oksbi", note="gift"))
            kinds["stranger"] += 1
    write(path, "hdfc", "csv", txns)
    return kinds


def bar(label):
    def progress(done, total):
        if sys.stderr.isatty():
            sys.stderr.write(f"\r  {label} [{'#' * (done * 30 // total):<30}] {done:,}/{total:,}")
            if done >= total:
                sys.stderr.write("\n")

    return progress


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pending", type=int, default=5_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    from shared.models import Order
    from shared.setup import connect
    from shared.statements.importer import import_statement
    from shared.statements.rows import read_statement

    folder = tempfile.mkdtemp(prefix="statement-bench-")
    url = args.db or os.path.join(folder, "bench.db")
    connect(url)
    t = time.perf_counter()
    bookings = build_draw(args.pending)
    print(f"setup: {len(bookings):,} pending bookings in {time.perf_counter() - t:.1f} s ({url})")
    path = os.path.join(folder, "statement.csv")
    kinds = build_statement(path, args.rows, bookings)
    print(
        f"statement: {args.rows:,} rows ({', '.join(f'{n:,} {k}' for k, n in kinds.items())}), "
        f"{os.path.getsize(path) / 1e6:.1f} MB"
    )

    t = time.perf_counter()
    statement = read_statement(path)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    preview = import_statement(path, dry_run=True, statement=statement, progress=bar("dry run"))
    dry_s = time.perf_counter() - t
    assert Order.select().where(Order.state == "paid").count() == 0, "the dry run changed something"
    t, cpu = time.perf_counter(), time.process_time()
    report = import_statement(path, statement=statement, progress=bar("import "))
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    again = import_statement(path, statement=statement)
    again_s = time.perf_counter() - t
    paid = Order.select().where(Order.state == "paid").count()

    print(f"read the file:  {read_s:6.2f} s")
    print(f"dry run:        {dry_s:6.2f} s")
    print(
        f"import:         {import_s:6.2f} s  ({args.rows / import_s:,.0f} rows/s; target <= 10 s); "
        f"CPU {import_cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"import again:   {again_s:6.2f} s  (changed nothing: {not again.changed})")
    print(f"outcome: {report.summary()}")
    print(
        f"bookings confirmed: {paid:,} of {len(bookings):,}; dry run agreed: "
        f"{[r.action for r in preview.rows] == [r.action for r in report.rows]}"
    )
    if not args.db:
        per_call = calibrate(os.path.join(folder, "calibrate.db"))
        print(
            f"for scale: record_payment alone (reference match, own transaction) {per_call:.2f} ms CPU per call, "
            f"the import {import_cpu * 1000 / max(1, len(statement.credits)):.2f} ms CPU per credit row"
        )
    if args.keep:
        print(f"kept: {folder}")


def calibrate(url: str, calls: int = 300) -> float:
    """CPU ms of one record_payment that confirms a booking by its reference, on this machine now."""
    from shared.payments import record_payment
    from shared.setup import connect

    connect(url)
    bookings = build_draw(calls)
    cpu = time.process_time()
    for i, booking in enumerate(bookings):
        record_payment(booking.payable_paise, str(500000000000 + i), reference=booking.reference, source="sms")
    return (time.process_time() - cpu) * 1000 / calls


if __name__ == "__main__":
    main()
