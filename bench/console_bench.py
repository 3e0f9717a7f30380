"""Console benchmark: what one refresh costs the database, whether keys stay quick while refreshes
run, and how long `luckydraw console` takes to show its first screen.

    .venv/bin/python bench/console_bench.py [--tickets 100000] [--orders 20000] [--db URL]

Builds a draw with bulk inserts (paid, pending, expired and cancelled bookings, matched, unmatched
and needs-attention payments) in a fresh SQLite file unless --db names a database, then prints:
  1. database time of `take_snapshot()` (median / p95 / max over many runs),
  2. key-to-screen latency in a headless Pilot session while the one-second refresh runs (and
     without it, for comparison), the event loop's worst stalls, the UI thread's cost per refresh,
  3. start-up of `luckydraw console` (command → figures on screen) in an 80×24 tmux window when
     tmux is installed, and headless in a subprocess.
Figures are printed, nothing is asserted.
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from shared import db as shared_db
from shared import setup
from shared.db import utcnow, write_tx
from shared.ids import REFERENCE_ALPHABET
from shared.models import Draw, Order, Payment, Ticket
from shared.winner_algorithm import commitment, new_seed

ROOT = Path(__file__).resolve().parent.parent


def build_draw(tickets: int, orders: int, seed: int = 7) -> int:
    """A realistic busy draw, written with bulk inserts in one transaction. Returns the draw id."""
    rng = random.Random(seed)
    now = utcnow()
    start = now - timedelta(hours=6)
    price = 1000
    numbers = list(range(1, tickets + 1))
    rng.shuffle(numbers)
    with write_tx():
        seed_hex = new_seed()
        draw = Draw.create(
            name="Benchmark Mela",
            ticket_count=tickets,
            price_paise=price,
            payee_vpa="organiser@okaxis",
            payee_name="Bench Stores",
            hold_minutes=10,
            max_per_order=20,
            state="open",
            created_at=start,
            seed=seed_hex,
            seed_hash=commitment(seed_hex),
        )
        first_order = (Order.select(Order.id).order_by(Order.id.desc()).scalar() or 0) + 1
        first_payment = (Payment.select(Payment.id).order_by(Payment.id.desc()).scalar() or 0) + 1
        order_rows, ticket_state, payment_rows = [], {}, []
        cursor = 0
        used_refs = set()
        locks = set()
        for i in range(orders):
            oid = first_order + i
            kind = rng.random()
            state = "pending" if kind < 0.02 else "expired" if kind < 0.15 else "cancelled" if kind < 0.18 else "paid"
            count = rng.randint(1, 5)
            if cursor + count > tickets:
                count = 1
            mine = (
                sorted(numbers[cursor : cursor + count])
                if state in ("pending", "paid")
                else sorted(rng.sample(range(1, tickets + 1), count))
            )
            if state in ("pending", "paid"):
                cursor += count
            created = start + timedelta(seconds=rng.uniform(0, 6 * 3600 - 700))
            if state == "pending":
                created = now - timedelta(seconds=rng.uniform(0, 500))
            base = price * count
            payable = base
            lock = None
            if state == "pending":
                while (base, payable) in locks:
                    payable += 1
                locks.add((base, payable))
                lock = payable
            ref = None
            while ref is None or ref in used_refs:
                ref = "LD-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            used_refs.add(ref)
            expires = created + timedelta(minutes=10)
            paid_at = created + timedelta(seconds=rng.uniform(20, 500)) if state == "paid" else None
            order_rows.append(
                dict(
                    id=oid,
                    draw=draw.id,
                    session_id=f"{rng.randrange(10**12):012d}",
                    reference=ref,
                    name=f"Buyer {i}",
                    mobile=f"9{rng.randrange(10**9):09d}",
                    tickets=",".join(map(str, mine)),
                    ticket_count=count,
                    base_paise=base,
                    payable_paise=payable,
                    amount_unique=True,
                    amount_lock=lock,
                    state=state,
                    source="web",
                    created_at=created,
                    expires_at=expires,
                    ended_at=paid_at or (expires if state != "pending" else None),
                    paid_at=paid_at,
                )
            )
            for n in mine if state in ("pending", "paid") else ():
                ticket_state[n] = ("sold" if state == "paid" else "held", oid, None if state == "paid" else expires)
            if state == "paid":
                payment_rows.append(
                    dict(
                        id=first_payment + len(payment_rows),
                        draw=draw.id,
                        amount_paise=payable,
                        utr=f"{rng.randrange(10**11, 10**12)}",
                        utr_missing=False,
                        source="manual",
                        received_at=paid_at,
                        recorded_at=paid_at,
                        status="matched",
                        order=oid,
                    )
                )
        for j in range(300):
            status = "unmatched" if j < 250 else "attention"
            at = start + timedelta(seconds=rng.uniform(0, 6 * 3600))
            payment_rows.append(
                dict(
                    id=first_payment + len(payment_rows),
                    draw=draw.id,
                    amount_paise=rng.randint(500, 5000),
                    utr=f"{rng.randrange(10**11, 10**12)}",
                    utr_missing=False,
                    source="manual",
                    received_at=at,
                    recorded_at=at,
                    status=status,
                    attention_reason="double_payment" if status == "attention" else None,
                )
            )
        seen = set()
        payment_rows = [p for p in payment_rows if not (p["utr"] in seen or seen.add(p["utr"]))]
        for chunk in range(0, len(order_rows), 500):
            Order.insert_many(order_rows[chunk : chunk + 500]).execute()
        ticket_rows = []
        for n in range(1, tickets + 1):
            state, oid, until = ticket_state.get(n, ("free", None, None))
            ticket_rows.append(dict(draw=draw.id, number=n, state=state, order=oid, held_until=until))
        for chunk in range(0, len(ticket_rows), 500):
            Ticket.insert_many(ticket_rows[chunk : chunk + 500]).execute()
        for chunk in range(0, len(payment_rows), 500):
            Payment.insert_many(payment_rows[chunk : chunk + 500]).execute()
    return draw.id


def time_snapshot(runs: int) -> list[float]:
    from console.snapshot import take_snapshot

    take_snapshot()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        take_snapshot()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def describe(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(
        f"  {label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
        f"(n={len(times)})"
    )


async def key_latency(url: str, presses: int, refresh_seconds: float) -> dict:
    """Keys typed into the add-payment amount field while refreshes run. For each key: time from
    the key event entering the app until the field shows it and the screen has been repainted.
    Also the event loop's worst stall (a 5 ms sleeper's overshoot) and the UI thread's time per
    applied snapshot."""
    from textual import events
    from textual.widgets import Input

    from console.app import LuckyDrawApp

    app = LuckyDrawApp(url, web_url="http://192.168.1.10:8080", refresh_seconds=refresh_seconds)
    apply_ms = []
    latencies, stalls = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_for_first_refresh()
        show = app.dashboard.show

        def timed_show(*args, **kwargs):
            t0 = time.perf_counter()
            show(*args, **kwargs)
            apply_ms.append((time.perf_counter() - t0) * 1000)

        app.dashboard.show = timed_show
        await pilot.press("a")
        await pilot.pause()
        field = app.screen.query_one("#amount", Input)
        running = True

        async def sleeper():
            while running:
                t0 = time.perf_counter()
                await asyncio.sleep(0.005)
                stalls.append((time.perf_counter() - t0) * 1000 - 5)

        watcher = asyncio.create_task(sleeper())
        before = app.refresh_count
        started = time.perf_counter()
        for i in range(presses):
            key = str(i % 10)
            expected = field.value + key
            painted = asyncio.Event()
            t0 = time.perf_counter()
            app.post_message(events.Key(key, key))
            while field.value != expected:
                await asyncio.sleep(0)
            app.call_after_refresh(painted.set)
            await painted.wait()
            latencies.append((time.perf_counter() - t0) * 1000)
            if len(field.value) > 6:
                field.value = ""
            await asyncio.sleep(0.05 + (i % 7) * 0.01)  # a person typing, spread over refresh cycles
        elapsed = time.perf_counter() - started
        running = False
        await watcher
        refreshes = app.refresh_count - before
    return {"latencies": latencies, "stalls": stalls, "apply": apply_ms, "refreshes": refreshes, "elapsed": elapsed}


def startup_pilot(url: str, runs: int) -> list[tuple[float, float]]:
    """Process start → first paint with the first snapshot, headless (Pilot) in a child process."""
    code = (
        "import time, sys; t0 = time.perf_counter()\n"
        "from console.app import LuckyDrawApp\n"
        "import asyncio\n"
        "async def run():\n"
        "    app = LuckyDrawApp(sys.argv[1])\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await app.wait_for_first_refresh()\n"
        "        await pilot.pause()\n"
        "        print((time.perf_counter() - t0) * 1000)\n"
        "asyncio.run(run())\n"
    )
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, cwd=ROOT, check=True)
        inner = float(out.stdout.strip().splitlines()[-1])
        times.append(((time.perf_counter() - t0) * 1000, inner))
    return times


def startup_tmux(url: str, runs: int) -> list[float] | None:
    """`luckydraw console` in a real 80×24 terminal (tmux): command start → the figures on screen."""
    if not shutil.which("tmux"):
        return None
    exe = Path(sys.executable).with_name("luckydraw")
    command = f"{exe} --db {url} console" if exe.exists() else f"{sys.executable} -m console.cli --db {url} console"
    times = []
    for n in range(runs):
        session = f"ldbench{os.getpid()}{n}"
        t0 = time.perf_counter()
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(ROOT), command], check=True
        )
        try:
            while time.perf_counter() - t0 < 20:
                screen = subprocess.run(
                    ["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True
                ).stdout
                if "Tickets" in screen and "Pending" in screen:
                    times.append((time.perf_counter() - t0) * 1000)
                    break
                time.sleep(0.005)
            subprocess.run(["tmux", "send-keys", "-t", session, "q"])
            time.sleep(0.5)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keys", type=int, default=150)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or os.path.join(tmp.name, "bench.db")
    setup.connect(url)
    t0 = time.perf_counter()
    build_draw(args.tickets, args.orders)
    print(f"built {args.tickets:,} tickets, {args.orders:,} orders in {time.perf_counter() - t0:.1f} s ({url})")
    from console.snapshot import take_snapshot

    snap = take_snapshot()
    print(
        f"  sold {snap.tickets_sold:,}, held {snap.tickets_held:,}, paid bookings {snap.paid_bookings:,}, "
        f"pending {snap.pending_count:,}, unmatched {snap.unmatched_count}, attention {snap.attention_count}"
    )
    print("1. database time of one refresh (take_snapshot):")
    describe("take_snapshot", time_snapshot(args.runs))
    print("2. keys while the one-second refresh runs on this database (Pilot, 120x40):")
    for label, every in (("refresh every 1 s (as shipped)", 1.0), ("no refresh (baseline)", 3600.0)):
        result = asyncio.run(key_latency(url, args.keys, every))
        print(f"  {label}: {result['refreshes']} refreshes during {result['elapsed']:.1f} s of typing")
        describe("    key event → field shows it → screen repainted", result["latencies"])
        describe("    event-loop stall (5 ms sleeper overshoot)", result["stalls"])
        if result["apply"]:
            describe("    UI-thread time to show one snapshot", result["apply"])
    print("3. start-up of the console:")
    tmux = startup_tmux(url, 5)
    if tmux:
        describe("`luckydraw console` in tmux 80x24: command → figures on screen", tmux)
    runs = startup_pilot(url, 5)
    describe("headless: process start → first paint with data", [o for o, _ in runs])
    describe("  of which inside the process (imports, app, first snapshot, paint)", [i for _, i in runs])
    shared_db.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
