"""A buyer hands in the UTR while the organiser records the same UTR, really at the same time
(threads, then processes started with "spawn"), on SQLite and PostgreSQL. Every booking here pays
the same ₹10.00 (all 100 paise offsets are in use), so only the claim can tell them apart. For
each UTR the booking ends paid by that payment, whichever came first: the claim first, and the
payment settles the claiming booking by rule 0; or the payment first (unmatched: the amount is
shared), and the claim settles it by rule 0 in the claim's own transaction. Never a double, a lost
payment or a booking confirmed on a guess."""

import random

import pytest

from shared.booking import hold_tickets
from shared.models import Order, Payment
from tests.concurrency.test_races import run_processes, run_threads
from tests.helpers.core_invariants import assert_core_invariants
from tests.helpers.db import new_draw

FILLERS = 100  # ₹10.00 … ₹10.99: every offset of a ₹10 booking in use
RACED = 24


@pytest.fixture
def shared_amount(db, tmp_path):
    draw = new_draw(tmp_path, ticket_count=FILLERS + RACED, max_pending_per_mobile=5)
    for n in range(1, FILLERS + 1):
        hold_tickets(f"Filler {n}", f"7{n:09d}", [n])
    raced = []
    for n in range(FILLERS + 1, FILLERS + RACED + 1):
        hold = hold_tickets(f"Racer {n}", f"9{n:09d}", [n])
        assert (hold.payable_paise, hold.amount_unique) == (1000, False)
        raced.append(Order.get_by_id(hold.order_id))
    return draw, raced


def utr_of(index: int) -> str:
    return f"{612345670000 + index:012d}"


def race_ops(orders, workers: int, seed: int):
    """Half the workers claim, half record; each takes a share of the bookings in its own order."""
    rng = random.Random(seed)
    pairs = workers // 2
    lists = []
    for w in range(pairs):
        share = [i for i in range(len(orders)) if i % pairs == w]
        claims = [("claim", orders[i].session_id, utr_of(i)) for i in share]
        pays = [("pay", 1000, utr_of(i), None) for i in share]
        rng.shuffle(claims)
        rng.shuffle(pays)
        lists += [claims, pays]
    return lists


def check(draw, orders, outputs):
    results = [r for out in outputs for r in out]
    assert not [r for r in results if r[0] in ("error", "refused")], results
    claims = {r[1]: r for r in results if r[0] in ("claimed", "claim_refused")}
    recorded = {r[1]: r for r in results if r[0] == "recorded"}
    assert len(claims) == len(recorded) == len(orders)
    for i, order in enumerate(orders):
        utr = utr_of(i)
        fresh = Order.get_by_id(order.id)
        payments = list(Payment.select().where(Payment.utr == utr))
        assert len(payments) == 1, f"UTR {utr} recorded {len(payments)} times"
        payment = payments[0]
        claim, pay = claims[order.session_id], recorded[utr]
        assert claim[0] == "claimed", claim
        assert (fresh.state, fresh.claimed_utr) == ("paid", utr)
        assert (payment.status, payment.order_id) == ("matched", order.id)
        if pay[3] == "matched":  # the claim came first: the payment found the claiming booking
            assert pay[4] == order.reference and claim[3] in ("pending", "expired")
        else:  # the payment came first: a shared amount confirmed nothing; the claim then settled it
            assert (pay[3], claim[3]) == ("ambiguous", "paid")
    # nobody else was confirmed, and every paid booking has exactly one matched payment
    paid = list(Order.select().where((Order.draw == draw.id) & (Order.state == "paid")))
    assert {o.id for o in paid} <= {o.id for o in orders}
    for order in paid:
        assert Payment.select().where((Payment.order == order.id) & (Payment.status == "matched")).count() == 1
    assert_core_invariants(draw.id)
    return sum(1 for r in recorded.values() if r[3] == "matched")


def test_threads_claim_while_the_organiser_records(shared_amount):
    draw, orders = shared_amount
    won = check(draw, orders, run_threads(race_ops(orders, 8, seed=11)))
    print("claims first:", won, "of", len(orders))


def test_processes_claim_while_the_organiser_records(shared_amount, db_url):
    draw, orders = shared_amount
    won = check(draw, orders, run_processes(db_url, race_ops(orders, 4, seed=12)))
    print("claims first:", won, "of", len(orders))
