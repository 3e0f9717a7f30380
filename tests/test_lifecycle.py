"""The one rule for a booking that stops being pending, whoever ends it: the hold's numbers are
free at once, it ended when its hold ran out or when it was ended (whichever came first), and its
payable amount stays reserved for the draw's late-payment window from then on (SPEC §2)."""

from datetime import timedelta

import pytest

from shared import winner_draw
from shared.booking import cancel_order, expire_due, hold_tickets
from shared.db import utcnow
from shared.draws import validate_settings
from shared.lifecycle import end_of_pending, reads_as
from shared.models import Event, Order, Ticket
from shared.new_draw import create_draw
from shared.payments import record_payment
from shared.states import OrderState, TicketState
from tests.helpers.db import DEFAULT_DRAW, draw_form

MIN = timedelta(minutes=1)
HOLD, WINDOW = 10, 45


def _expire(tmp_path, order, now):
    expire_due(now)


def _cancel(tmp_path, order, now):
    cancel_order(order.reference, now=now)


def _archive(tmp_path, order, now):
    create_draw(validate_settings(**draw_form(DEFAULT_DRAW)), exports_dir=str(tmp_path / "exports"), now=now)


def _let_expire_at_the_draw(tmp_path, order, now):
    winner_draw.close_sales(now=now)
    winner_draw.draw_winners(["1st: a bicycle"], expire_pending=True, now=now)


# (who ends it, minutes after booking, state it ends in, journal entry, minutes after booking it ended)
CASES = [
    (_expire, 15, OrderState.EXPIRED, "order_expired", HOLD),
    (_cancel, 4, OrderState.CANCELLED, "order_cancelled", 4),
    (_archive, 4, OrderState.CANCELLED, "order_cancelled", 4),
    (_let_expire_at_the_draw, 4, OrderState.CANCELLED, "order_cancelled", 4),
]


@pytest.mark.parametrize("end, after, state, kind, ended_after", CASES, ids=lambda c: getattr(c, "__name__", None))
def test_every_way_of_ending_a_pending_booking_follows_one_rule(db, tmp_path, end, after, state, kind, ended_after):
    t0 = utcnow().replace(microsecond=0)
    create_draw(
        validate_settings(**draw_form({**DEFAULT_DRAW, "hold_minutes": HOLD, "late_window_minutes": WINDOW})),
        exports_dir=str(tmp_path / "exports"),
        now=t0,
    )
    sold = hold_tickets("Sold Buyer", "9000000001", [1], now=t0)
    record_payment(sold.payable_paise, "123456789012", now=t0)
    hold = hold_tickets("Pending Buyer", "9000000002", [7, 8], now=t0)
    order = Order.get_by_id(hold.order_id)

    end(tmp_path, order, t0 + after * MIN)

    ended = Order.get_by_id(hold.order_id)
    assert ended.state == state
    assert ended.ended_at == t0 + ended_after * MIN
    assert ended.amount_lock == hold.payable_paise
    assert ended.amount_lock_until == t0 + (ended_after + WINDOW) * MIN
    assert [
        (t.number, t.state, t.order_id)
        for t in Ticket.select().where((Ticket.draw == order.draw_id) & Ticket.number.in_([7, 8]))
    ] == [(7, TicketState.FREE, None), (8, TicketState.FREE, None)]
    assert [e.kind for e in Event.select().where(Event.order == hold.order_id).order_by(Event.id)] == [
        "order_created",
        kind,
    ]


def test_the_rule_itself():
    t0 = utcnow()
    assert end_of_pending(t0 + 10 * MIN, t0, 60) == (t0, t0 + 60 * MIN)  # ended early
    assert end_of_pending(t0 - 5 * MIN, t0, 60) == (t0 - 5 * MIN, t0 + 55 * MIN)  # the hold ran out first
    assert end_of_pending(t0, t0, 0) == (t0, t0)


def test_a_pending_booking_past_its_time_reads_as_expired():
    t0 = utcnow()
    assert reads_as("pending", t0, t0) == OrderState.EXPIRED
    assert reads_as("pending", t0 + MIN, t0) == OrderState.PENDING
    assert reads_as("paid", t0 - MIN, t0) == OrderState.PAID
    assert reads_as(OrderState.CANCELLED, t0 - MIN, t0) == "cancelled"
