"""Holds (on SQLite and PostgreSQL): all or nothing, exactly which numbers were taken, a unique
payable amount kept through the late-payment window, expiry with no admin action, and limits."""

from datetime import timedelta

import pytest
from peewee import IntegrityError

from shared import booking
from shared.booking import availability, cancel_order, expire_due, find_order, hold_tickets, order_status
from shared.db import database, utcnow
from shared.draws import set_sales_open
from shared.errors import Conflict, InvalidInput, LimitReached, NotFound, SalesClosed, TicketsTaken
from shared.fields import ticket_list_text
from shared.models import Event, Order, Ticket
from shared.payments import record_payment
from tests.helpers.core_invariants import assert_core_invariants
from tests.helpers.db import new_draw

MIN = timedelta(minutes=1)


def mobiles():
    n = 0
    while True:
        n += 1
        yield f"9{n:09d}"


@pytest.fixture
def t0():
    return utcnow().replace(microsecond=0)


@pytest.fixture
def mob():
    return mobiles()


def counts():
    return (Order.select().count(), Event.select().count(), Ticket.select().where(Ticket.state != "free").count())


def ticket_rows(draw, numbers):
    return {t.number: t for t in Ticket.select().where((Ticket.draw == draw.id) & Ticket.number.in_(numbers))}


def test_hold_holds_every_ticket_and_says_how_to_pay(draw, t0):
    hold = hold_tickets("  Asha  Rao ", "+91 98765 43210", [9, 3, 7], now=t0)
    assert hold.tickets == (3, 7, 9)
    assert hold.base_paise == 3000 and hold.payable_paise == 3000 and hold.amount_unique
    assert hold.expires_at == t0 + 10 * MIN
    assert len(hold.session_id) == 12 and hold.session_id.isdigit()
    assert hold.reference.startswith("LD-") and len(hold.reference) == 9
    assert hold.upi_uri == (f"upi://pay?pa=organiser@okaxis&pn=Asha%20Stores&am=30.00&cu=INR&tn={hold.reference}")
    order = Order.get_by_id(hold.order_id)
    assert (order.name, order.mobile, ticket_list_text(order.tickets), order.state) == (
        "Asha Rao",
        "9876543210",
        "3,7,9",
        "pending",
    )
    assert order.amount_lock == 3000 and order.source == "web"
    rows = ticket_rows(draw, [3, 7, 9])
    assert {(t.state, t.order_id, t.held_until) for t in rows.values()} == {("held", order.id, hold.expires_at)}
    assert Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state != "free")).count() == 3
    assert [e.kind for e in Event.select().where(Event.order == order.id)] == ["order_created"]
    assert_core_invariants(draw.id)


def test_all_or_nothing_names_exactly_the_taken_numbers(draw, t0, mob):
    first = hold_tickets("Asha", next(mob), [1, 2, 3], now=t0)
    before = counts()
    with pytest.raises(TicketsTaken) as caught:
        hold_tickets("Ravi", next(mob), [5, 3, 4, 1], now=t0)
    assert caught.value.taken == [1, 3]
    assert caught.value.status == 409
    assert caught.value.message == "Tickets 001, 003 were just taken by someone else. Please pick other numbers."
    assert counts() == before
    rows = ticket_rows(draw, [4, 5])
    assert all(t.state == "free" and t.order_id is None for t in rows.values())
    # sold numbers count as taken too
    record_payment(first.payable_paise, "100000000001", now=t0 + MIN)
    with pytest.raises(TicketsTaken) as caught:
        hold_tickets("Ravi", next(mob), [2, 6], now=t0 + MIN)
    assert caught.value.taken == [2]
    assert caught.value.message.startswith("Ticket 002 was just taken")
    assert hold_tickets("Ravi", next(mob), [4, 5, 6], now=t0 + MIN).tickets == (4, 5, 6)
    assert_core_invariants(draw.id)


@pytest.mark.parametrize(
    "name, mobile, tickets, message",
    [
        ("", "9876543210", [1], "Please enter a name"),
        ("Asha", "12345", [1], "10 digits"),
        ("Asha", "5876543210", [1], "starts with 6"),
        ("Asha", "9876543210", [], "at least one"),
        ("Asha", "9876543210", [0], "no ticket 0"),
        ("Asha", "9876543210", [101], "no ticket 101"),
        ("Asha", "9876543210", [4, 4], "more than once"),
        ("Asha", "9876543210", list(range(1, 22)), "At most 20 tickets"),
        ("Asha", "9876543210", [True], "whole numbers"),
        ("Asha", "9876543210", "1;2", "not a ticket number"),
    ],
)
def test_bad_input_changes_nothing(draw, t0, name, mobile, tickets, message):
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        hold_tickets(name, mobile, tickets, now=t0)
    assert message in caught.value.message
    assert counts() == before


def test_max_per_order_is_the_draws_setting(db, tmp_path, t0, mob):
    new_draw(tmp_path, max_per_order=3)
    assert hold_tickets("Asha", next(mob), [1, 2, 3], now=t0).tickets == (1, 2, 3)
    with pytest.raises(InvalidInput, match="At most 3 tickets per booking; you picked 4"):
        hold_tickets("Asha", next(mob), [4, 5, 6, 7], now=t0)


def test_unique_payable_amounts(draw, t0, mob):
    amounts = [hold_tickets("Asha", next(mob), [n], now=t0).payable_paise for n in range(1, 6)]
    assert amounts == [1000, 1001, 1002, 1003, 1004]
    two = hold_tickets("Ravi", next(mob), [10, 11], now=t0)
    assert (two.base_paise, two.payable_paise) == (2000, 2000)
    assert hold_tickets("Ravi", next(mob), [12, 13], now=t0).payable_paise == 2001
    assert "&am=20.02&" in hold_tickets("Ravi", next(mob), [14, 15], now=t0).upi_uri
    assert_core_invariants(draw.id)


def test_offset_stays_in_use_through_the_late_window_after_expiry(draw, t0, mob):
    first = hold_tickets("Asha", next(mob), [1], now=t0)
    assert first.payable_paise == 1000
    # expired (tickets free again) but the amount is still reserved for a late payment
    expire_due(t0 + 11 * MIN)
    assert Order.get_by_id(first.order_id).state == "expired"
    assert ticket_rows(draw, [1])[1].state == "free"
    assert hold_tickets("Ravi", next(mob), [1], now=t0 + 11 * MIN).payable_paise == 1001
    # one minute before the window (60 min after the expiry) ends: still reserved
    expire_due(t0 + 69 * MIN)
    assert hold_tickets("Mina", next(mob), [2], now=t0 + 69 * MIN).payable_paise == 1002
    # the window is over: the smallest offset is free for a new booking (and no sweep is needed)
    assert hold_tickets("Zoya", next(mob), [3], now=t0 + 70 * MIN).payable_paise == 1000
    assert Order.get_by_id(first.order_id).amount_lock is None
    assert_core_invariants(draw.id)


def test_offset_stays_in_use_through_the_late_window_after_payment(draw, t0, mob):
    first = hold_tickets("Asha", next(mob), [1], now=t0)
    assert record_payment(1000, "100000000001", now=t0 + MIN).confirmed
    expire_due(t0 + 2 * MIN)
    assert hold_tickets("Ravi", next(mob), [2], now=t0 + 2 * MIN).payable_paise == 1001
    expire_due(t0 + 60 * MIN)  # paid at +1: reserved until +61
    assert hold_tickets("Mina", next(mob), [3], now=t0 + 60 * MIN).payable_paise == 1002
    assert hold_tickets("Zoya", next(mob), [4], now=t0 + 61 * MIN).payable_paise == 1000
    assert Order.get_by_id(first.order_id).amount_lock is None
    assert Order.get_by_id(first.order_id).state == "paid"
    assert_core_invariants(draw.id)


def test_offset_stays_in_use_through_the_late_window_after_cancel(draw, t0, mob):
    first = hold_tickets("Asha", next(mob), [1], now=t0)
    cancel_order(first.session_id, now=t0 + MIN)
    expire_due(t0 + 60 * MIN)
    assert hold_tickets("Ravi", next(mob), [1], now=t0 + 60 * MIN).payable_paise == 1001
    expire_due(t0 + 61 * MIN)
    assert hold_tickets("Mina", next(mob), [2], now=t0 + 61 * MIN).payable_paise == 1000


def test_when_all_100_offsets_are_in_use_the_order_is_still_accepted(db, tmp_path, t0, mob):
    draw = new_draw(tmp_path, ticket_count=250)
    holds = [hold_tickets("Buyer", next(mob), [n], now=t0) for n in range(1, 101)]
    assert sorted(h.payable_paise for h in holds) == list(range(1000, 1100))
    extra = hold_tickets("Late Comer", next(mob), [101], now=t0)
    assert extra.amount_unique is False
    assert extra.payable_paise == extra.base_paise == 1000
    order = Order.get_by_id(extra.order_id)
    assert order.amount_lock is None and order.state == "pending"
    # a different base amount still gets a unique offset
    assert hold_tickets("Pair", next(mob), [102, 103], now=t0).amount_unique is True
    # the amount alone cannot tell the two ₹10.00 bookings apart: nothing is confirmed
    result = record_payment(1000, "100000000001", now=t0 + MIN)
    assert not result.confirmed and result.outcome == "ambiguous"
    assert set(result.candidates) == {holds[0].reference, extra.reference}
    # the reference can
    result = record_payment(1000, "100000000002", reference=extra.reference, now=t0 + MIN)
    assert result.confirmed and result.rule == 1 and result.order_reference == extra.reference
    assert Order.get_by_id(holds[0].order_id).state == "pending"
    assert_core_invariants(draw.id)


def test_database_refuses_a_shared_payable_amount_behind_the_codes_back(draw, t0, mob):
    a = hold_tickets("Asha", next(mob), [1], now=t0)
    b = hold_tickets("Ravi", next(mob), [2], now=t0)
    order_a = Order.get_by_id(a.order_id)
    fields = {
        f: getattr(order_a, f)
        for f in (
            "name",
            "mobile",
            "tickets",
            "ticket_count",
            "base_paise",
            "payable_paise",
            "amount_lock",
            "state",
            "expires_at",
        )
    }
    with pytest.raises(IntegrityError):
        with database.atomic():
            Order.insert(draw=draw.id, session_id="000000000001", reference="LD-222222", **fields).execute()
    with pytest.raises(IntegrityError):
        with database.atomic():
            database.execute_sql("UPDATE booking SET amount_lock = %s WHERE id = %s" % (a.payable_paise, b.order_id))
    with pytest.raises(IntegrityError):
        with database.atomic():
            Ticket.insert(draw=draw.id, number=1, state="free").execute()
    assert Order.select().count() == 2
    assert_core_invariants(draw.id)


def test_holds_expire_without_any_admin_action(draw, t0, mob):
    hold = hold_tickets("Asha", next(mob), [1, 2], now=t0)
    # the buyer's page reads expired as soon as the hold ends, sweep or not
    assert order_status(hold.session_id, now=t0 + 10 * MIN - timedelta(seconds=1)).state == "pending"
    assert order_status(hold.session_id, now=t0 + 10 * MIN).state == "expired"
    # the grid shows the numbers free again
    assert availability(now=t0 + 10 * MIN)["states"][:3] == "000"
    assert availability(now=t0 + 9 * MIN)["states"][:3] == "110"
    # and the next buyer simply gets them
    booking._last_sweep["at"] = float("inf")  # even when the periodic sweep has not come round
    try:
        second = hold_tickets("Ravi", next(mob), [2, 3], now=t0 + 10 * MIN)
    finally:
        booking._last_sweep["at"] = 0.0
    assert second.tickets == (2, 3)
    first = Order.get_by_id(hold.order_id)
    assert first.state == "expired" and first.ended_at == hold.expires_at
    assert ticket_rows(draw, [1])[1].state == "free"
    kinds = [e.kind for e in Event.select().where(Event.order == hold.order_id).order_by(Event.id)]
    assert kinds == ["order_created", "order_expired"]
    assert_core_invariants(draw.id)


def test_expire_due_is_idempotent_and_exact(draw, t0, mob):
    early = hold_tickets("Asha", next(mob), [1], now=t0)
    late = hold_tickets("Ravi", next(mob), [2], now=t0 + 5 * MIN)
    assert expire_due(t0 + 10 * MIN - timedelta(microseconds=1)) == 0
    assert expire_due(t0 + 10 * MIN) == 1
    assert expire_due(t0 + 10 * MIN) == 0
    assert Order.get_by_id(early.order_id).state == "expired"
    assert Order.get_by_id(late.order_id).state == "pending"
    assert ticket_rows(draw, [2])[2].state == "held"


def test_at_most_two_pending_bookings_per_mobile(draw, t0):
    first = hold_tickets("Asha", "9876543210", [1], now=t0)
    hold_tickets("Asha", "+91 98765 43210", [2], now=t0)
    before = counts()
    with pytest.raises(LimitReached, match="already has 2 unpaid bookings"):
        hold_tickets("Asha", "09876543210", [3], now=t0)
    assert counts() == before
    # another mobile is not limited
    hold_tickets("Ravi", "9123456789", [3], now=t0)
    # paying one makes room
    assert record_payment(first.payable_paise, "100000000001", now=t0 + MIN).confirmed
    hold_tickets("Asha", "9876543210", [4], now=t0 + MIN)
    with pytest.raises(LimitReached):
        hold_tickets("Asha", "9876543210", [5], now=t0 + MIN)
    # and so does an expiry
    assert hold_tickets("Asha", "9876543210", [5], now=t0 + 10 * MIN).tickets == (5,)


def test_sales_closed_refuses_new_holds_and_changes_nothing(draw, t0, mob):
    set_sales_open(False)
    before = counts()
    with pytest.raises(SalesClosed, match="closed"):
        hold_tickets("Asha", next(mob), [1], now=t0)
    assert counts()[0] == before[0] and counts()[2] == 0
    set_sales_open(True)
    assert hold_tickets("Asha", next(mob), [1], now=t0).tickets == (1,)


def test_no_draw_is_a_clear_error(db):
    with pytest.raises(NotFound, match="no draw"):
        hold_tickets("Asha", "9876543210", [1])


def test_cancel_frees_tickets_and_keeps_the_amount(draw, t0, mob):
    hold = hold_tickets("Asha", next(mob), [1, 2], now=t0)
    order = cancel_order(hold.reference.lower(), now=t0 + MIN)
    assert order.state == "cancelled" and order.ended_at == t0 + MIN
    assert order.amount_lock == 2000 and order.amount_lock_until == t0 + 61 * MIN
    assert all(t.state == "free" and t.order_id is None for t in ticket_rows(draw, [1, 2]).values())
    with pytest.raises(Conflict, match="cancelled"):
        cancel_order(hold.session_id, now=t0 + MIN)
    assert order_status(hold.session_id).state == "cancelled"
    assert "order_cancelled" in [e.kind for e in Event.select().where(Event.order == hold.order_id)]
    assert_core_invariants(draw.id)


def test_find_order_and_status(draw, t0, mob):
    hold = hold_tickets("Asha", next(mob), [7], now=t0)
    for key in (hold.session_id, hold.reference, hold.reference.lower().replace("-", " "), hold.reference[3:]):
        assert find_order(key).id == hold.order_id
    for key in ("", None, "LD-222222", "000000000000", "not a key", "1" * 13):
        with pytest.raises(NotFound):
            find_order(key)
    status = order_status(hold.session_id, now=t0)
    assert (status.state, status.tickets, status.payable_paise, status.paid_at) == ("pending", (7,), 1000, None)
    record_payment(1000, "100000000001", now=t0 + MIN)
    status = order_status(hold.session_id, now=t0 + 30 * MIN)
    assert status.state == "paid" and status.paid_at == t0 + MIN
    for bad in ("", "abc", "12345678901", "१२३४५६७८९०१२", hold.reference, "000000000000"):
        with pytest.raises(NotFound):
            order_status(bad)


def test_availability_counts(draw, t0, mob):
    paid = hold_tickets("Asha", next(mob), [1, 100], now=t0)
    hold_tickets("Ravi", next(mob), [50], now=t0)
    record_payment(paid.payable_paise, "100000000001", now=t0)
    data = availability(now=t0 + MIN)
    assert data["count"] == 100 and len(data["states"]) == 100 and data["draw_id"] == draw.id
    assert data["states"][0] == "2" and data["states"][99] == "2" and data["states"][49] == "1"
    assert data["states"].count("0") == 97
    assert (data["sold"], data["held"], data["free"]) == (2, 1, 97)
