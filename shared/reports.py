"""Read functions for the front ends: what a buyer's "My tickets" page, the results pages, the
web's quick "already taken?" look and the command line's listings need, as frozen dataclasses of
plain values (or plain numbers). Reads only: nothing here writes, so the front ends never query
the database themselves. The console's own read model is `shared.dashboard`."""

from dataclasses import dataclass
from datetime import datetime

from . import hold_sql
from .db import utcnow
from .lifecycle import reads_as
from .models import Order, Payment
from .models_winners import Drawing

BUYER_BOOKINGS_LIMIT = 50


@dataclass(frozen=True)
class BookingLine:
    """One booking as a listing shows it. `state` is as stored, except in `buyer_bookings`, where a
    pending booking past its hold reads as expired."""

    reference: str
    session_id: str
    name: str
    mobile: str
    tickets: tuple[int, ...]
    payable_paise: int
    state: str
    created_at: datetime
    paid_at: datetime | None


def _line(order: Order, state: str | None = None) -> BookingLine:
    return BookingLine(
        order.reference,
        order.session_id,
        order.name,
        order.mobile,
        tuple(order.numbers),
        order.payable_paise,
        state or order.state,
        order.created_at,
        order.paid_at,
    )


def buyer_bookings(
    draw_id: int, mobile: str, *, now: datetime | None = None, limit: int = BUYER_BOOKINGS_LIMIT
) -> tuple[BookingLine, ...]:
    """One buyer's bookings in a draw (by the 10-digit mobile), newest first."""
    now = now or utcnow()
    rows = (
        Order.select()
        .where((Order.draw == draw_id) & (Order.mobile == mobile))
        .order_by(Order.created_at.desc())
        .limit(limit)
    )
    return tuple(_line(order, reads_as(order.state, order.expires_at, now)) for order in rows)


def list_bookings(draw_id: int, *, state: str | None = None, search: str | None = None) -> tuple[BookingLine, ...]:
    """The bookings of a draw, oldest first, optionally of one state and/or whose name, mobile or
    reference contains `search` (case-insensitive)."""
    query = Order.select().where(Order.draw == draw_id)
    if state:
        query = query.where(Order.state == state)
    if search and search.strip():
        term = f"%{search.strip()}%"
        query = query.where(
            Order.name.ilike(term) | Order.mobile.contains(search.strip()) | Order.reference.ilike(term)
        )
    return tuple(_line(order) for order in query.order_by(Order.id))


def draw_has_activity(draw_id: int) -> bool:
    """Whether a draw has any booking or payment (archiving it would put real records away)."""
    return (
        Order.select().where(Order.draw == draw_id).exists() or Payment.select().where(Payment.draw == draw_id).exists()
    )


def drawing_count(draw_id: int) -> int:
    """How many drawings (the first draw and any redraws) a draw has published."""
    return Drawing.select().where(Drawing.draw == draw_id).count()


def taken_numbers(draw_id: int, numbers, now: datetime | None = None) -> list[int]:
    """Which of `numbers` a live booking holds or has bought (one indexed read, no lock)."""
    return hold_sql.taken_numbers(draw_id, list(numbers), now or utcnow())[0]
