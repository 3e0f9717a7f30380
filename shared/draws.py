"""Draws: the current draw, its settings, opening and closing sales, and archiving a draw (nothing
is ever deleted; starting a new draw, which exports the old one, is shared/new_draw.py)."""

from dataclasses import dataclass
from typing import Literal, overload

from .db import utcnow, write_tx
from .errors import Conflict, InvalidInput, NotFound
from .lifecycle import cancel_pending_order
from .models import Draw, Order, Ticket, record_event
from .money import require_paise
from .states import DrawState, OrderState, TicketState
from .validation import clean_name, parse_vpa

MAX_TICKETS = 100_000
SETTING_FIELDS = (
    "name",
    "ticket_count",
    "price_paise",
    "payee_vpa",
    "payee_name",
    "hold_minutes",
    "max_per_order",
    "max_pending_per_mobile",
    "late_window_minutes",
)


@dataclass(frozen=True)
class DrawSettings:
    name: str
    ticket_count: int = 500
    price_paise: int = 500
    payee_vpa: str = ""
    payee_name: str = ""
    hold_minutes: int = 10
    max_per_order: int = 20
    max_pending_per_mobile: int = 2
    late_window_minutes: int = 60


def _whole(value, what: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a whole number, not '{value}'.") from None
    if not low <= number <= high:
        raise InvalidInput(f"{what} must be between {low} and {high}; got {number}.")
    return number


def validate_settings(
    name,
    ticket_count=500,
    price_paise=500,
    payee_vpa="",
    payee_name="",
    hold_minutes=10,
    max_per_order=20,
    max_pending_per_mobile=2,
    late_window_minutes=60,
) -> DrawSettings:
    """Check every field of a draw; the price is integer paise (rupees text is parsed at the edge)."""
    price_paise = require_paise(price_paise, "Price")
    tickets = _whole(ticket_count, "Ticket count", 1, MAX_TICKETS)
    return DrawSettings(
        name=clean_name(name, "Draw name"),
        ticket_count=tickets,
        price_paise=price_paise,
        payee_vpa=parse_vpa(payee_vpa),
        payee_name=clean_name(payee_name, "Payee name"),
        hold_minutes=_whole(hold_minutes, "Hold minutes", 1, 240),
        max_per_order=_whole(max_per_order, "Max tickets per order", 1, min(tickets, 1000)),
        max_pending_per_mobile=_whole(max_pending_per_mobile, "Pending bookings per mobile", 1, 50),
        late_window_minutes=_whole(late_window_minutes, "Late-payment window", 0, 7 * 24 * 60),
    )


NO_DRAW_YET = "There is no draw yet. Create one with 'luckydraw new-draw'."


@overload
def current_draw(required: Literal[True] = True) -> Draw: ...
@overload
def current_draw(required: bool) -> Draw | None: ...


def current_draw(required: bool = True) -> Draw | None:
    """The one draw that is not archived (the newest, should history ever hold two)."""
    draw = Draw.select().where(Draw.state != DrawState.ARCHIVED).order_by(Draw.id.desc()).first()
    if draw is None and required:
        raise NotFound(NO_DRAW_YET)
    return draw


def get_draw(draw_id: int | None = None) -> Draw:
    if draw_id is None:
        return current_draw()
    draw = Draw.get_or_none(Draw.id == draw_id)
    if draw is None:
        raise NotFound(f"There is no draw #{draw_id}.")
    return draw


def archive_draw(draw: Draw, now, export_path: str) -> None:
    """Archive a draw in the caller's transaction: its pending bookings cancelled, its data kept."""
    pending = list(Order.select(Order.id).where((Order.draw == draw.id) & (Order.state == OrderState.PENDING)))
    for order in pending:
        cancel_pending_order(order.id, draw.id, now, "draw archived")
    Draw.update(state=DrawState.ARCHIVED, archived_at=now, export_path=export_path).where(Draw.id == draw.id).execute()
    record_event("draw_archived", draw=draw, at=now, export=export_path, cancelled_pending=len(pending))


def update_settings(changes: dict, *, now=None) -> Draw:
    """Change settings of the current draw. The ticket count may only grow (numbers already booked
    keep their meaning); the price only while nothing is booked."""
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        if draw.state == DrawState.DRAWN:
            raise Conflict("Winners have been drawn; this draw's settings can no longer change.")
        merged = {f: getattr(draw, f) for f in SETTING_FIELDS}
        merged.update({k: v for k, v in changes.items() if v is not None})
        settings = validate_settings(**merged)
        if settings.ticket_count < draw.ticket_count:
            raise Conflict(f"Ticket count can only grow (it is {draw.ticket_count}); start a new draw to shrink it.")
        if settings.price_paise != draw.price_paise and Order.select().where(Order.draw == draw.id).exists():
            raise Conflict("The price cannot change once bookings exist; start a new draw instead.")
        if settings.ticket_count > draw.ticket_count:
            rows = [
                {"draw": draw.id, "number": n, "state": TicketState.FREE}
                for n in range(draw.ticket_count + 1, settings.ticket_count + 1)
            ]
            for start in range(0, len(rows), 500):
                Ticket.insert_many(rows[start : start + 500]).execute()
        changed = {f: getattr(settings, f) for f in SETTING_FIELDS if getattr(settings, f) != getattr(draw, f)}
        if changed:
            Draw.update(**changed).where(Draw.id == draw.id).execute()
            record_event("draw_settings_changed", draw=draw, at=now, **changed)
    return Draw.get_by_id(draw.id)


def set_sales_open(is_open: bool, *, now=None) -> Draw:
    """Close sales (no new holds; pending bookings may still be paid) or open them again."""
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        if draw.state == DrawState.DRAWN:
            raise Conflict("Winners have already been drawn; sales cannot change now.")
        target = DrawState.OPEN if is_open else DrawState.CLOSED
        if draw.state != target:
            Draw.update(state=target, closed_at=None if is_open else now).where(Draw.id == draw.id).execute()
            record_event("sales_opened" if is_open else "sales_closed", draw=draw, at=now)
    return Draw.get_by_id(draw.id)


def list_draws() -> list[Draw]:
    return list(Draw.select().order_by(Draw.id.desc()))
