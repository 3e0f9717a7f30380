"""Statistics and the reconciliation check (SQLite and PostgreSQL): the figures an organiser sees
add up, and a database changed behind the code's back is reported, so the check can fail."""

import itertools
from datetime import timedelta

import pytest

from shared.booking import cancel_order, hold_tickets
from shared.db import database
from shared.models import Order, Payment, Ticket
from shared.payments import record_payment, refund_payment, sell_cash
from shared.stats import draw_stats, reconcile, sales_over_time

MIN = timedelta(minutes=1)


@pytest.fixture
def busy_draw(draw):
    """A draw with something of everything, seen at t0 + 20 min."""
    t0 = draw.created_at
    mob = (f"9{n:09d}" for n in itertools.count(1))
    utr = (f"{n:012d}" for n in itertools.count(700000000001))

    def at(minute):
        return t0 + minute * MIN

    paid1 = hold_tickets("Paid One", next(mob), [1, 2], now=at(0))  # ₹20.00
    paid2 = hold_tickets("Paid Two", next(mob), [3], now=at(0))  # ₹10.00
    hold_tickets("Lapsed", next(mob), [4, 5], now=at(1))  # ₹20.01, ends at 11
    cancelled = hold_tickets("Cancelled", next(mob), [6], now=at(2))  # ₹10.01
    record_payment(2000, next(utr), now=at(3))  # → paid1
    record_payment(1000, next(utr), reference=paid2.reference, now=at(4))  # → paid2
    record_payment(1000, next(utr), now=at(5))  # double payment of paid2
    record_payment(4321, next(utr), now=at(6))  # unmatched
    record_payment(999, next(utr), now=at(6))  # unmatched, then refunded
    refund_payment(Payment.get(Payment.amount_paise == 999).utr, now=at(7))
    cancel_order(cancelled.session_id, now=at(8))
    sell_cash("Cash Buyer", next(mob), [10, 11, 12], now=at(9))  # ₹30.00 cash
    # in time order: a call at a later minute may sweep (maybe_expire runs once a wall-clock second)
    hold_tickets("Waiting", next(mob), [7, 8, 9], now=at(15))  # ₹30.00, pending
    draw.t_now = at(20)
    draw.paid = (paid1, paid2)
    return draw


def test_draw_stats_add_up(busy_draw):
    stats = draw_stats(busy_draw.id, now=busy_draw.t_now)
    assert (stats.tickets_total, stats.tickets_sold, stats.tickets_held, stats.tickets_free) == (100, 6, 3, 91)
    assert (stats.paid_bookings, stats.pending_orders, stats.expired_orders, stats.cancelled_orders) == (3, 1, 1, 1)
    assert stats.revenue_paise == 2000 + 1000 + 3000
    assert (stats.unmatched_count, stats.unmatched_paise) == (1, 4321)
    assert (stats.attention_count, stats.attention_paise) == (1, 1000)
    assert stats.payments_count == 6
    rec = stats.reconciliation
    assert rec.ok, rec.problems
    assert rec.total_paise == 2000 + 1000 + 1000 + 4321 + 999 + 3000
    assert rec.total_paise == rec.paid_bookings_paise + rec.unmatched_paise + rec.attention_paise + rec.refunded_paise
    assert (rec.paid_bookings_paise, rec.refunded_paise, rec.paid_orders, rec.matched_payments) == (6000, 999, 3, 3)
    data = stats.as_dict()
    assert data["reconciliation"]["ok"] is True and data["tickets_sold"] == 6
    # the current draw is the default
    assert draw_stats(now=busy_draw.t_now) == stats


def test_a_lapsed_hold_counts_as_free_before_any_sweep(busy_draw):
    before = draw_stats(busy_draw.id, now=busy_draw.t_now)
    later = draw_stats(busy_draw.id, now=busy_draw.t_now + 10 * MIN)  # "Waiting" ends at 25
    assert (later.tickets_held, later.tickets_free) == (0, before.tickets_free + 3)
    assert (later.pending_orders, later.expired_orders) == (0, 2)


def test_sales_over_time(busy_draw):
    buckets = sales_over_time(busy_draw.id, buckets=20, now=busy_draw.t_now)
    assert len(buckets) == 20 and sum(buckets) == 6
    # paid at 3, 4 and 9 minutes of a 20-minute life: buckets of one minute
    assert buckets[3] == 2 and buckets[4] == 1 and buckets[9] == 3
    assert sales_over_time(busy_draw.id, buckets=1, now=busy_draw.t_now) == [6]


def _sql(statement):
    with database.atomic():
        database.execute_sql(statement)


def _paid_order_ids(draw):
    return [h.order_id for h in draw.paid]


TAMPERING = [
    pytest.param(
        lambda d: _sql(f"UPDATE booking SET state = 'pending' WHERE id = {_paid_order_ids(d)[0]}"),
        "not paid",
        id="paid-order-set-back-to-pending",
    ),
    pytest.param(
        lambda d: _sql(f"UPDATE booking SET state = 'expired' WHERE id = {_paid_order_ids(d)[1]}"),
        "not paid",
        id="paid-order-set-to-expired",
    ),
    pytest.param(
        lambda d: _sql(
            f"UPDATE payment SET status = 'unmatched', order_id = NULL WHERE order_id = {_paid_order_ids(d)[0]}"
        ),
        "payments settling them",
        id="matched-payment-unlinked",
    ),
    pytest.param(
        lambda d: _sql(
            f"UPDATE payment SET order_id = {_paid_order_ids(d)[0]} WHERE order_id = {_paid_order_ids(d)[1]}"
        ),
        "exactly one",
        id="payment-moved-to-another-paid-order",
    ),
    pytest.param(
        lambda d: _sql("UPDATE payment SET status = 'gone' WHERE amount_paise = 4321"),
        "unknown status",
        id="payment-status-garbled",
    ),
    pytest.param(
        lambda d: _sql(f"UPDATE ticket SET state = 'held' WHERE number = 1 AND draw_id = {d.id}"),
        "not marked sold",
        id="sold-ticket-set-to-held",
    ),
    pytest.param(
        lambda d: _sql(f"UPDATE ticket SET state = 'free', order_id = NULL WHERE number = 1 AND draw_id = {d.id}"),
        "not marked sold",
        id="sold-ticket-freed",
    ),
    pytest.param(
        lambda d: _sql(f"UPDATE ticket SET state = 'sold' WHERE number = 50 AND draw_id = {d.id}"),
        "sold without a paid booking",
        id="free-ticket-set-to-sold",
    ),
    pytest.param(
        lambda d: _sql(f"UPDATE ticket SET state = 'sold' WHERE number = 7 AND draw_id = {d.id}"),
        "sold without a paid booking",
        id="held-ticket-set-to-sold",
    ),
    pytest.param(
        lambda d: _sql("UPDATE booking SET state = 'paid' WHERE name = 'Waiting'"),
        "payments settling them",
        id="pending-order-set-to-paid",
    ),
]


@pytest.mark.parametrize("tamper, problem", TAMPERING)
def test_reconcile_reports_a_tampered_database(busy_draw, tamper, problem):
    assert reconcile(busy_draw.id).ok
    tamper(busy_draw)
    rec = reconcile(busy_draw.id)
    assert not rec.ok
    assert any(problem in p for p in rec.problems), rec.problems
    assert draw_stats(busy_draw.id, now=busy_draw.t_now).as_dict()["reconciliation"]["ok"] is False


def test_reconcile_of_an_empty_draw(draw):
    rec = reconcile(draw.id)
    assert rec.ok and rec.total_paise == 0 and rec.paid_orders == 0
    stats = draw_stats(draw.id)
    assert (stats.tickets_free, stats.revenue_paise, stats.payments_count) == (100, 0, 0)
    assert sales_over_time(draw.id, buckets=4) == [0, 0, 0, 0]


def test_no_payment_is_lost_whatever_happens_to_its_order(busy_draw):
    total = sum(p.amount_paise for p in Payment.select())
    assert reconcile(busy_draw.id).total_paise == total
    assert Payment.select().count() == 6
    assert {p.status for p in Payment.select()} == {"matched", "attention", "unmatched", "refunded"}
    assert Order.select().where(Order.state == "cancelled").count() == 1
    assert Ticket.select().where(Ticket.state == "sold").count() == 6
