"""The order lifecycle: one function per transition, each in its own write transaction (or the
caller's) and journalled.

    pending ──mark_order_expired──▶ expired ──reactivate_order + mark_order_paid──▶ paid
    pending ──cancel_pending_order─▶ cancelled
    pending ──mark_order_paid──────▶ paid

The one rule for an order that stops being pending (SPEC §2, unique payable amount): it ended at
the moment its hold ran out or it was cancelled, whichever came first (`ended_at`), and its payable
amount stays reserved for the draw's late-payment window from then on
(`amount_lock_until = ended_at + late_window_minutes`). The hold's tickets are freed at once.
"""

from datetime import datetime, timedelta

from . import status_cache
from .db import write_tx
from .fields import ticket_list_numbers
from .models import Draw, Order, Payment, Ticket, record_event
from .states import OrderState, PaymentState, TicketState


def hold_is_live(held_until: datetime | None, now: datetime) -> bool:
    """Whether a held ticket's hold still counts at `now`: an ended hold frees it, swept or not.
    (No end time: held inside the transaction that is selling it.)"""
    return held_until is None or held_until > now


def live_holds(now: datetime):
    """The Ticket condition of hold_is_live: held, and the hold not over."""
    return (Ticket.state == TicketState.HELD) & (Ticket.held_until.is_null() | (Ticket.held_until > now))


def lapsed_holds(now: datetime):
    """The Ticket condition "held, but the hold is over" (freed by the next sweep)."""
    return (Ticket.state == TicketState.HELD) & (Ticket.held_until <= now)


def live_pending(now: datetime):
    """The Order condition "pending and still within its time"."""
    return (Order.state == OrderState.PENDING) & (Order.expires_at > now)


def pending_past_time(now: datetime):
    """The Order condition "pending but past its time": it reads as expired (see reads_as)."""
    return (Order.state == OrderState.PENDING) & (Order.expires_at <= now)


def reads_as(state: str, expires_at: datetime, now: datetime) -> OrderState:
    """The state a buyer or organiser is shown: a pending order past its time reads as expired
    even before the sweep has written it."""
    state = OrderState(state)
    if state == OrderState.PENDING and expires_at <= now:
        return OrderState.EXPIRED
    return state


def taken_numbers_where(draw_id: int, numbers):
    """The Ticket condition "these numbers of this draw are taken" (held or sold)."""
    return (Ticket.draw == draw_id) & Ticket.number.in_(list(numbers)) & (Ticket.state != TicketState.FREE)


def free_tickets(draw_id: int, numbers):
    """The free Ticket rows of these numbers, found by id through the (draw, number) index. (Written
    as `draw = ? AND number IN (…) AND state = 'free'`, SQLite picks the (draw, state) index instead
    and reads every free ticket of the draw: milliseconds per hold on a 100,000-ticket draw.)"""
    return Ticket.id.in_(
        Ticket.select(Ticket.id).where((Ticket.draw == draw_id) & Ticket.number.in_(list(numbers)))
    ) & (Ticket.state == TicketState.FREE)


def order_numbers(order: Order) -> tuple[int, ...]:
    tickets = order.tickets
    return ticket_list_numbers(tickets) if isinstance(tickets, str) else tuple(tickets)


def end_of_pending(expires_at: datetime, now: datetime, late_window_minutes: int) -> tuple[datetime, datetime]:
    """(ended_at, amount_lock_until) of an order that stops being pending at `now`: the one rule."""
    ended = min(expires_at, now)
    return ended, ended + timedelta(minutes=late_window_minutes)


def _end_pending(order_id: int, draw_id: int, to: OrderState, now: datetime, kind: str, known=None, **detail) -> bool:
    """`known`: (expires_at, late window minutes) when the caller has read them already."""
    if known is None:
        row = Order.select(Order.state, Order.expires_at).where(Order.id == order_id).first()
        if row is None or row.state != OrderState.PENDING:
            return False
        window = Draw.select(Draw.late_window_minutes).where(Draw.id == draw_id).scalar()
        known = (row.expires_at, window)
    ended, lock_until = end_of_pending(known[0], now, known[1])
    changed = (
        Order.update(state=to, ended_at=ended, amount_lock_until=lock_until)
        .where((Order.id == order_id) & (Order.state == OrderState.PENDING))
        .execute()
    )
    if not changed:
        return False
    status_cache.changed_order(order_id)
    release_hold(order_id)
    record_event(kind, draw=draw_id, order=order_id, at=now, **detail)
    return True


def release_hold(order_id: int) -> None:
    """Free the tickets an order holds (never the ones it bought)."""
    Ticket.update(state=TicketState.FREE, order=None, held_until=None).where(
        (Ticket.order == order_id) & (Ticket.state == TicketState.HELD)
    ).execute()


def mark_order_expired(order_id: int, draw_id: int, now: datetime, known=None) -> bool:
    """pending → expired (its hold ran out). False when it was no longer pending. `known`:
    (expires_at, late window minutes), read by a caller that expires many at once."""
    with write_tx():
        return _end_pending(order_id, draw_id, OrderState.EXPIRED, now, "order_expired", known)


def cancel_pending_order(order_id: int, draw_id: int, now: datetime, reason: str) -> bool:
    """pending → cancelled (the organiser, a new draw, or the winner draw ended it). False when it
    was no longer pending."""
    with write_tx():
        return _end_pending(order_id, draw_id, OrderState.CANCELLED, now, "order_cancelled", reason=reason)


def release_lapsed_amounts(draw_id: int, now: datetime, low: int, high: int) -> None:
    """Free the reserved payable amounts low..high whose late-payment window is over."""
    Order.update(amount_lock=None).where(
        (Order.draw == draw_id)
        & (Order.amount_lock >= low)
        & (Order.amount_lock <= high)
        & (Order.state != OrderState.PENDING)
        & (Order.amount_lock_until <= now)
    ).execute()


def reactivate_order(order: Order, now: datetime) -> bool:
    """A late payer gets their numbers back (held for the order, to be sold by mark_order_paid in
    the same transaction) if every one is still free; otherwise nothing changes and False. Its
    journal entry is the `order_paid` (late) that follows."""
    numbers = order_numbers(order)
    with write_tx():
        claimed = (
            Ticket.update(state=TicketState.HELD, order=order.id, held_until=None)
            .where(free_tickets(order.draw_id, numbers))
            .execute()
        )
        if claimed != len(numbers):
            Ticket.update(state=TicketState.FREE, order=None).where(
                (Ticket.order == order.id) & (Ticket.state == TicketState.HELD)
            ).execute()
            return False
    return True


def mark_order_paid(order: Order, payment: Payment, now: datetime, late: bool = False) -> None:
    """→ paid: the order paid, its tickets sold and the payment matched, in one transaction. The
    amount stays reserved for the late window from now on (a second payment must not confirm a
    stranger). A booking paid by hand after its window may have lost its amount; it takes it back
    unless another booking has it by now."""
    with write_tx():
        window = Draw.select(Draw.late_window_minutes).where(Draw.id == order.draw_id).scalar()
        lock = Order.select(Order.amount_lock).where(Order.id == order.id).scalar()
        if lock is None and order.amount_unique:
            release_lapsed_amounts(order.draw_id, now, order.payable_paise, order.payable_paise)
            if (
                not Order.select()
                .where((Order.draw == order.draw_id) & (Order.amount_lock == order.payable_paise))
                .exists()
            ):
                lock = order.payable_paise
        Order.update(
            state=OrderState.PAID,
            paid_at=now,
            ended_at=now,
            amount_lock=lock,
            amount_lock_until=now + timedelta(minutes=window),
        ).where(Order.id == order.id).execute()
        status_cache.changed_order(order.id)
        Ticket.update(state=TicketState.SOLD, held_until=None).where(Ticket.order == order.id).execute()
        Payment.update(status=PaymentState.MATCHED, order=order.id, candidate=None, attention_reason=None).where(
            Payment.id == payment.id
        ).execute()
        record_event(
            "order_paid", draw=order.draw_id, order=order.id, payment=payment.id, at=now, late=late, utr=payment.utr
        )
