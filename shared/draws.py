"""Draws: the current draw, its settings, opening and closing sales, and archiving a draw (nothing
is ever deleted; starting a new draw, which exports the old one, is shared/new_draw.py)."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .db import utcnow, write_tx
from .errors import Conflict, InvalidInput, NotFound
from .lifecycle import cancel_pending_order
from .models import Draw, Order, Ticket, record_event
from .money import require_paise
from .states import DrawState, OrderState, PayeeKind, TicketState
from .validation import clean_name, clean_terms, parse_local_time, parse_vpa

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
    "payee_kind",
    "merchant_code",
    "gallery_cap_paise",
    "max_held_per_client",
    "max_bookings_per_client_window",
    "terms",
    "closes_at",
)
CLEARED = ("", "-")  # what clears an optional setting (merchant code, terms, closing time)
# One client (one IP as the buyer web sees it) may hold at most this many times the largest booking:
# carrier-grade NAT puts many real phones behind one public IP, so a cap of one booking would refuse
# neighbours who share it, while three full bookings at once is more than one honest buyer needs and
# far less than a draw (docs/web.md, "One client cannot hold the draw").
HELD_PER_CLIENT_FACTOR = 3
# Bookings one client may make within one late-payment window: each one keeps a paise offset of its
# amount reserved for the window (SPEC §2), so this stays well under the 100 offsets of a price and
# hold-and-cancel churn from one client can never use them all up.
MAX_BOOKINGS_PER_CLIENT_WINDOW = 50
DEFAULT_GALLERY_CAP_PAISE = 200_000  # NPCI's 2025 cap on paying a person from a QR saved to the gallery
MAX_GALLERY_CAP_PAISE = 10_000_000  # ₹1,00,000: UPI's own per-payment limit for most payers


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
    payee_kind: str = PayeeKind.PERSONAL
    merchant_code: str | None = None
    gallery_cap_paise: int = DEFAULT_GALLERY_CAP_PAISE
    max_held_per_client: int = 60
    max_bookings_per_client_window: int = 30
    terms: str | None = None  # the terms and permit line buyers see and the poster prints
    closes_at: datetime | None = None  # planned end of sales, naive UTC (informational)


def parse_payee_kind(value) -> PayeeKind:
    text = str(value or "").strip().lower()
    try:
        return PayeeKind(text)
    except ValueError:
        raise InvalidInput(f"Payee kind must be 'personal' or 'merchant', not '{str(value)[:20]}'.") from None


def parse_merchant_code(value) -> str | None:
    """UPI's merchant category code (`mc`): 4 digits, or nothing."""
    text = str(value or "").strip()
    if not text:
        return None
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise InvalidInput(f"Merchant category code must be 4 digits, like 5999; '{text[:20]}' is not.")
    return text


def draw_zone_of(time_zone: str | None) -> ZoneInfo:
    """The zone a closing time is typed in: the draw's own (a new draw gets the model's default)."""
    try:
        return ZoneInfo(time_zone or Draw.time_zone.default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(Draw.time_zone.default)


def parse_closing_time(value, time_zone: str | None = None, now: datetime | None = None) -> datetime | None:
    """The planned end of sales: nothing ('' or '-'), a datetime (naive UTC, or aware), or text typed
    in the draw's zone ('2026-12-25 18:00'), which must be still to come (`now`, default the clock)."""
    if value is None or (isinstance(value, str) and value.strip() in CLEARED):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)
    zone = draw_zone_of(time_zone)
    moment = parse_local_time(value, zone, "Closing time")
    if moment <= (now or utcnow()):
        raise InvalidInput(
            f"Closing time {' '.join(str(value).split())} ({zone.key} time) has already passed; "
            "give a time still to come, or leave it empty."
        )
    return moment


def _gallery_cap(value) -> int:
    paise = require_paise(value, "Gallery QR cap")
    if paise > MAX_GALLERY_CAP_PAISE:
        raise InvalidInput("Gallery QR cap must be at most ₹1,00,000 (UPI's own limit for one payment).")
    return paise


def _whole(value, what: str, low: int, high: int, field: str | None = None) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _about(InvalidInput(f"{what} must be a whole number, not '{value}'."), field) from None
    if not low <= number <= high:
        raise _about(InvalidInput(f"{what} must be between {low} and {high}; got {number}."), field)
    return number


def _about(error: InvalidInput, field: str | None) -> InvalidInput:
    error.field = field
    return error


def _checked(field: str, check, *args):
    """A setting's check, its refusal marked with the setting's name (for the front ends' labels)."""
    try:
        return check(*args)
    except InvalidInput as error:
        raise _about(error, error.field or field) from None


def validate_settings(
    name,
    ticket_count=500,
    price_paise=500,
    payee_vpa="",
    payee_name="",
    hold_minutes=10,
    max_per_order=None,
    max_pending_per_mobile=2,
    late_window_minutes=60,
    payee_kind=PayeeKind.PERSONAL,
    merchant_code=None,
    gallery_cap_paise=DEFAULT_GALLERY_CAP_PAISE,
    max_held_per_client=None,
    max_bookings_per_client_window=30,
    terms=None,
    closes_at=None,
    *,
    time_zone: str | None = None,
    now: datetime | None = None,
) -> DrawSettings:
    """Check every field of a draw; the price is integer paise (rupees text is parsed at the edge).
    A refusal's `field` names the setting at fault. Without `max_per_order` it is the default (20),
    or the ticket count when that is smaller; a larger value given is refused. A closing time typed
    as text is read in `time_zone` (the draw's; a new draw's is Asia/Kolkata) and must be after
    `now`; '' or '-' clears it, as it clears the terms."""
    price_paise = _checked("price_paise", require_paise, price_paise, "Price")
    tickets = _whole(ticket_count, "Ticket count", 1, MAX_TICKETS, "ticket_count")
    if max_per_order is None or str(max_per_order).strip() == "":
        max_per_order = min(DrawSettings.max_per_order, tickets)
    per_order = _whole(max_per_order, "Max tickets per order", 1, min(tickets, 1000), "max_per_order")
    if max_held_per_client is None:
        max_held_per_client = HELD_PER_CLIENT_FACTOR * per_order
    return DrawSettings(
        name=_checked("name", clean_name, name, "Draw name"),
        ticket_count=tickets,
        price_paise=price_paise,
        payee_vpa=_checked("payee_vpa", parse_vpa, payee_vpa),
        payee_name=_checked("payee_name", clean_name, payee_name, "Payee name"),
        hold_minutes=_whole(hold_minutes, "Hold minutes", 1, 240, "hold_minutes"),
        max_per_order=per_order,
        max_pending_per_mobile=_whole(
            max_pending_per_mobile, "Pending bookings per mobile", 1, 50, "max_pending_per_mobile"
        ),
        late_window_minutes=_whole(late_window_minutes, "Late-payment window", 0, 7 * 24 * 60, "late_window_minutes"),
        payee_kind=_checked("payee_kind", parse_payee_kind, payee_kind),
        merchant_code=_checked("merchant_code", parse_merchant_code, merchant_code),
        gallery_cap_paise=_checked("gallery_cap_paise", _gallery_cap, gallery_cap_paise),
        max_held_per_client=_whole(
            max_held_per_client, "Tickets on hold per client", per_order, MAX_TICKETS, "max_held_per_client"
        ),
        max_bookings_per_client_window=_whole(
            max_bookings_per_client_window,
            "Bookings per client per late window",
            1,
            MAX_BOOKINGS_PER_CLIENT_WINDOW,
            "max_bookings_per_client_window",
        ),
        terms=_checked("terms", clean_terms, None if terms in CLEARED else terms),
        closes_at=_checked("closes_at", parse_closing_time, closes_at, time_zone, now),
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


def archive_draw(draw: Draw, now, export_path: str | None) -> None:
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
        if "merchant_code" in changes and changes["merchant_code"] in CLEARED:
            merged["merchant_code"] = None  # cleared
        if _same_closing_time(merged["closes_at"], draw):
            merged["closes_at"] = draw.closes_at  # shown and saved again unchanged, even once it has passed
        settings = validate_settings(**merged, time_zone=draw.time_zone, now=now)
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


def _same_closing_time(value, draw: Draw) -> bool:
    """Whether a typed closing time is the draw's stored one (a form shows it and sends it back)."""
    if not isinstance(value, str) or draw.closes_at is None or value.strip() in CLEARED:
        return False
    try:
        return parse_local_time(value, draw_zone_of(draw.time_zone)) == draw.closes_at.replace(second=0, microsecond=0)
    except InvalidInput:
        return False


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
