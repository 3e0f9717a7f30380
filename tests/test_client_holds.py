"""One web client (one IP) cannot hold the draw: the cap on tickets it holds at once and on the
bookings it makes within one late-payment window, enforced inside the hold's write transaction
(threads and processes racing, on SQLite and PostgreSQL); console and CLI sales are exempt."""

import multiprocessing
import threading
from datetime import timedelta

import pytest

from shared.booking import cancel_order, hold_tickets
from shared.db import utcnow
from shared.draws import validate_settings
from shared.errors import InvalidInput, LimitReached
from shared.models import Event, Order
from shared.states import OrderState
from tests.helpers.db import new_draw
from tests.helpers.race_workers import process_main, thread_main

IP = "203.0.113.50"


def block(i: int, size: int = 20) -> list[int]:
    return list(range(i * size + 1, i * size + size + 1))


def mobile(i: int) -> str:
    return f"9{i:09d}"


@pytest.fixture
def big_draw(db, tmp_path):
    return new_draw(tmp_path, ticket_count=500, max_per_order=20)


def test_default_cap_is_three_full_bookings_and_is_a_setting(db):
    assert validate_settings(name="D", payee_vpa="a.b@okaxis", payee_name="P").max_held_per_client == 60
    assert (
        validate_settings(name="D", payee_vpa="a.b@okaxis", payee_name="P", max_per_order=5).max_held_per_client == 15
    )
    with pytest.raises(InvalidInput, match="Tickets on hold per client must be between 20"):
        validate_settings(name="D", payee_vpa="a.b@okaxis", payee_name="P", max_held_per_client=10)
    with pytest.raises(InvalidInput, match="Bookings per client per late window must be between 1 and 50"):
        validate_settings(name="D", payee_vpa="a.b@okaxis", payee_name="P", max_bookings_per_client_window=100)


def test_the_attack_stops_at_the_cap_and_another_client_still_books(big_draw):
    held, refused = [], []
    for i in range(25):
        try:
            held.append(hold_tickets(f"Buyer {i}", mobile(i), block(i), client_key=IP))
        except LimitReached as exc:
            refused.append(exc.message)
    assert len(held) == 3 and len(refused) == 22
    assert refused[0] == (
        "Your connection already has 60 tickets waiting for payment, and one connection can hold at most "
        "60 at a time. Pay for those bookings or wait for them to expire before booking more."
    )
    assert Order.select().where(Order.draw == big_draw.id).count() == 3
    assert {o.client_key for o in Order.select()} == {IP}
    other = hold_tickets("Neighbour", mobile(99), block(10), client_key="198.51.100.9")
    assert other.tickets == tuple(block(10))
    # the console and CLI are not a web client: no cap
    for i in range(11, 15):
        hold_tickets(f"Cash {i}", mobile(200 + i), block(i))


def test_a_part_of_what_is_left_is_offered(big_draw):
    hold_tickets("A", mobile(1), block(0), client_key=IP)
    hold_tickets("B", mobile(2), block(1), client_key=IP)
    hold_tickets("C", mobile(3), list(range(41, 51)), client_key=IP)  # 50 held
    with pytest.raises(LimitReached, match=r"already has 50 tickets .* You can book at most 10 more now\."):
        hold_tickets("D", mobile(4), list(range(61, 81)), client_key=IP)
    assert hold_tickets("D", mobile(4), list(range(61, 71)), client_key=IP).tickets == tuple(range(61, 71))


def test_expired_and_paid_holds_no_longer_count(big_draw):
    start = utcnow()
    for i in range(3):
        hold_tickets(f"B{i}", mobile(i), block(i), client_key=IP, now=start)
    with pytest.raises(LimitReached):
        hold_tickets("B3", mobile(3), block(3), client_key=IP, now=start)
    later = start + timedelta(minutes=11)  # every hold has run out
    assert hold_tickets("B3", mobile(3), block(3), client_key=IP, now=later).tickets == tuple(block(3))


def test_hold_and_cancel_churn_is_capped_and_offsets_survive(big_draw):
    """100 hold+cancel pairs used every paise offset of ₹10 for an hour: now one client gets at most
    30 bookings a late window, so most offsets stay free for real buyers."""
    amounts = []
    refused = None
    for i in range(100):
        try:
            hold = hold_tickets(f"Churn {i}", mobile(i), [1], client_key=IP)
        except LimitReached as exc:
            refused = (i, exc.message)
            break
        amounts.append(hold.payable_paise)
        cancel_order(hold.session_id, reason="buyer started again")
    assert refused == (
        30,
        "Your connection has made 30 bookings in the last 60 minutes, the most allowed. "
        "Pay for a booking you have, or try again later.",
    )
    assert len(set(amounts)) == 30  # cancelled amounts stay reserved for the late window (SPEC §2)
    real = hold_tickets("Real buyer", mobile(500), [2], client_key="198.51.100.20")
    assert real.amount_unique and real.payable_paise == 1000 + 30
    assert Order.select().where(Order.state == OrderState.CANCELLED).count() == 30


def test_the_client_is_journalled(big_draw):
    hold = hold_tickets("A", mobile(1), [5], client_key=IP)
    event = Event.get((Event.kind == "order_created") & (Event.order == hold.order_id))
    assert event.data["client"] == IP


def _ops(worker: int):
    return [("hold", f"Racer {worker}", mobile(worker), block(worker, 10), IP)]


def _check_race(outputs, draw):
    results = [r for out in outputs for r in out]
    assert not [r for r in results if r[0] == "error"], results
    held = [r for r in results if r[0] == "held"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(held) == 6 and len(refused) == len(results) - 6  # 60 tickets: six bookings of ten
    assert all(r[1] == "LimitReached" and "at most 60 at a time" in r[2] for r in refused)
    rows = Order.select().where((Order.draw == draw.id) & (Order.client_key == IP))
    assert sum(o.ticket_count for o in rows) == 60


def test_threads_of_one_client_race_to_the_cap(big_draw):
    barrier = threading.Barrier(16)
    outputs = [[] for _ in range(16)]
    threads = [threading.Thread(target=thread_main, args=(barrier, outputs[i], _ops(i))) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    _check_race(outputs, big_draw)


@pytest.mark.slow
def test_processes_of_one_client_race_to_the_cap(big_draw, db_url):
    ctx = multiprocessing.get_context("spawn")
    count = 10
    barrier, queue = ctx.Barrier(count), ctx.Queue()
    procs = [
        ctx.Process(target=process_main, args=(db_url, barrier, queue, i, _ops(i)), daemon=True) for i in range(count)
    ]
    for p in procs:
        p.start()
    outputs = [queue.get(timeout=120)[1] for _ in procs]
    for p in procs:
        p.join(30)
    _check_race(outputs, big_draw)
