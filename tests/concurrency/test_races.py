"""Races that really race, on SQLite and PostgreSQL: many threads, then several processes (each
with its own connection, started with "spawn"), all released at once by a barrier, holding
overlapping tickets and recording payments. Afterwards the database must show no ticket in two
live orders, every "taken" answer must name exactly numbers that another buyer really had, no two
live orders may share a unique amount, each UTR must be recorded once, and the money must add up."""

import multiprocessing
import random
import threading
from itertools import pairwise

import pytest

from shared.models import Order, Payment, Ticket
from shared.stats import reconcile
from tests.helpers.core_invariants import assert_core_invariants, order_numbers
from tests.helpers.db import new_draw
from tests.helpers.race_workers import process_main, thread_main

TICKETS = 60


def hold_ops(rng, worker: int, count: int, low=1, high=TICKETS, max_size=4):
    """Random overlapping ticket sets, each with its own mobile number."""
    ops = []
    for attempt in range(count):
        size = rng.randint(1, max_size)
        ops.append(
            ("hold", f"Racer {worker}-{attempt}", f"9{worker:03d}{attempt:06d}", rng.sample(range(low, high + 1), size))
        )
    return ops


def run_threads(op_lists):
    barrier = threading.Barrier(len(op_lists))
    outputs = [[] for _ in op_lists]
    threads = [
        threading.Thread(target=thread_main, args=(barrier, outputs[i], ops), daemon=True)
        for i, ops in enumerate(op_lists)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a racing thread hung"
    return outputs


def run_processes(url, op_lists):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(op_lists))
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=process_main, args=(url, barrier, queue, i, ops), daemon=True)
        for i, ops in enumerate(op_lists)
    ]
    for p in procs:
        p.start()
    outputs = [None] * len(op_lists)
    try:
        for _ in procs:
            index, results = queue.get(timeout=90)
            outputs[index] = results
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return outputs


def no_errors(outputs):
    errors = [r for out in outputs for r in out if r[0] in ("error", "refused")]
    assert not errors, errors[0]


def assert_interleaved(outputs):
    """The racers really ran at the same time: winners of different workers alternate in commit order."""
    sequence = [w for _, w in sorted((r[2], w) for w, out in enumerate(outputs) for r in out if r[0] == "held")]
    switches = sum(1 for a, b in pairwise(sequence) if a != b)
    assert len(set(sequence)) > 1 and switches >= len(set(sequence)), sequence


def check_holds(draw, outputs, already=()):
    """What every racer was told agrees with what the database holds, and with each other."""
    no_errors(outputs)
    held = sorted((r for out in outputs for r in out if r[0] == "held"), key=lambda r: r[2])
    taken = [r for out in outputs for r in out if r[0] == "taken"]
    assert held, "nobody got any tickets"
    assert taken, "the race produced no collision at all"

    # Winners' sets are pairwise disjoint (and disjoint from what was sold before the race).
    owner = {n: "before" for n in already}
    for _, tickets, order_id, _, _ in held:
        for n in tickets:
            assert n not in owner, f"ticket {n} went to {owner[n]} and to order {order_id}"
            owner[n] = order_id

    # The database agrees: each winner's order is pending with exactly its numbers held by it.
    orders = {o.id: o for o in Order.select().where(Order.draw == draw.id)}
    for _, tickets, order_id, payable, unique in held:
        order = orders[order_id]
        assert order.state == "pending" and tuple(sorted(order_numbers(order))) == tickets
        assert (order.payable_paise, order.amount_unique) == (payable, unique)
    rows = {t.number: t for t in Ticket.select().where(Ticket.draw == draw.id)}
    for n, who in owner.items():
        if who != "before":
            assert rows[n].state == "held" and rows[n].order_id == who, (n, rows[n].state, rows[n].order_id, who)
    assert sum(1 for t in rows.values() if t.state == "held" and t.number not in set(already)) == sum(
        len(r[1]) for r in held
    )

    # Every "taken" answer named exactly the requested numbers that other buyers had at that
    # moment. Writers are serialised, so "that moment" is some point in the order in which the
    # winners committed (their order ids): the answer must equal requested ∩ (held by the first k
    # winners) for some k, and nothing was ever released during the race.
    prefixes = [set(already)]
    for _, tickets, _, _, _ in held:
        prefixes.append(prefixes[-1] | set(tickets))
    for _, requested, named in taken:
        assert named and set(named) <= set(requested), (requested, named)
        assert all(n in owner for n in named), f"{named} named a number nobody had"
        assert any(set(named) == set(requested) & p for p in prefixes), (
            f"asked for {requested}, told {named} were taken: not what anyone held at any moment"
        )

    # No two live orders share a unique payable amount.
    amounts = [r[3] for r in held if r[4]]
    assert len(amounts) == len(set(amounts))
    assert_core_invariants(draw.id)
    assert reconcile(draw.id).ok


@pytest.fixture
def race_draw(db, tmp_path):
    return new_draw(tmp_path, ticket_count=TICKETS, max_per_order=5, max_pending_per_mobile=50)


def test_threads_hold_overlapping_tickets(race_draw):
    rng = random.Random(1)
    outputs = run_threads([hold_ops(rng, w, 12) for w in range(16)])
    check_holds(race_draw, outputs)
    assert_interleaved(outputs)


def test_processes_hold_overlapping_tickets(race_draw, db_url):
    rng = random.Random(2)
    outputs = run_processes(db_url, [hold_ops(rng, w, 25) for w in range(4)])
    check_holds(race_draw, outputs)
    assert_interleaved(outputs)


def payment_race_ops(rng, orders, workers):
    """Per worker: holds on the numbers 31–60, interleaved with payments for the booked orders
    1–30: orders[0:10] each get ONE UTR sent by every worker (exactly one may be recorded);
    orders[10:20] each get a DIFFERENT UTR from every worker, same amount (one confirms, the rest
    are double payments); orders[20:30] are left pending; plus one stray payment per worker."""
    lists = []
    for w in range(workers):
        pays = []
        for i, order in enumerate(orders[:10]):
            pays.append(("pay", order.payable_paise, f"11{i:010d}", None))
        for i, order in enumerate(orders[10:20]):
            pays.append(("pay", order.payable_paise, f"2{w}{i:010d}", order.reference if i % 2 else None))
        pays.append(("pay", 777_00 + w, f"3{w}{0:010d}", None))
        rng.shuffle(pays)
        holds = hold_ops(rng, 100 + w, 12, low=31, high=TICKETS, max_size=3)
        ops = []
        while pays or holds:
            if pays:
                ops.append(pays.pop())
            if holds:
                ops.append(holds.pop())
        lists.append(ops)
    return lists


def check_payments_race(draw, outputs, orders, workers):
    no_errors(outputs)
    recorded = [r for out in outputs for r in out if r[0] == "recorded"]
    duplicates = [r for out in outputs for r in out if r[0] == "duplicate"]
    # One UTR raced by every worker: recorded exactly once, refused everywhere else.
    for i in range(10):
        utr = f"11{i:010d}"
        assert sum(1 for r in recorded if r[1] == utr) == 1, utr
        assert sum(1 for r in duplicates if r[1] == utr) == workers - 1, utr
    assert len(duplicates) == 10 * (workers - 1)
    assert Payment.select().count() == len(recorded) == 10 + 10 * workers + workers
    # Σ of what the racers were told was recorded == Σ in the database.
    assert sum(r[2] for r in recorded) == sum(p.amount_paise for p in Payment.select())
    outcomes = {}
    for r in recorded:
        outcomes.setdefault(r[4], []).append(r[3])
    for order in orders[:10]:
        assert outcomes[order.reference] == ["matched"]
    for order in orders[10:20]:  # one confirms; every other payment is a double payment of it
        assert sorted(outcomes[order.reference]) == ["double_payment"] * (workers - 1) + ["matched"]
    for order in orders[:20]:
        fresh = Order.get_by_id(order.id)
        assert fresh.state == "paid"
        assert Payment.select().where((Payment.order == order.id) & (Payment.status == "matched")).count() == 1
    for order in orders[20:30]:
        assert Order.get_by_id(order.id).state == "pending"
    assert Payment.select().where(Payment.status == "unmatched").count() == workers
    sold = {t.number for t in Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state == "sold"))}
    assert sold == set(range(1, 21))
    check_holds(draw, [[r for r in out if r[0] in ("held", "taken")] for out in outputs], already=range(1, 31))


@pytest.fixture
def booked(race_draw):
    from shared.booking import hold_tickets

    orders = [hold_tickets(f"Early {n}", f"8{n:09d}", [n]) for n in range(1, 31)]
    return race_draw, [Order.get_by_id(h.order_id) for h in orders]


def test_processes_pay_and_hold_at_once(booked, db_url):
    draw, orders = booked
    rng = random.Random(3)
    outputs = run_processes(db_url, payment_race_ops(rng, orders, 4))
    check_payments_race(draw, outputs, orders, 4)


def test_threads_pay_and_hold_at_once(booked):
    draw, orders = booked
    rng = random.Random(4)
    outputs = run_threads(payment_race_ops(rng, orders, 8))
    check_payments_race(draw, outputs, orders, 8)
