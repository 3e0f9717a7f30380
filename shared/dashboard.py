"""The console's read model: the current draw's figures, its pending bookings and its latest
payments, read in one go as a frozen `Snapshot` of plain values (no model objects cross threads),
and the bookings and payments the console's dialogs search.

`take_snapshot()` is the whole of one console refresh. Each query is an index range scan or a
LIMIT-ed read, so it stays cheap at 100,000 tickets; `search_bookings()` and `open_payments()`
serve the dialogs. Reads only: nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from peewee import Cast, fn

from .db import is_sqlite, utcnow
from .draws import current_draw
from .errors import LuckyDrawError
from .ids import normalise_reference
from .lifecycle import live_holds, live_pending
from .models import Draw, Order, Payment, Ticket
from .money import parse_amount
from .states import OrderState, PaymentState, TicketState

PENDING_LIMIT = 200
PAYMENTS_LIMIT = 100
SALES_BUCKETS = 30


@dataclass(frozen=True)
class DrawInfo:
    id: int
    name: str
    state: str
    ticket_count: int
    price_paise: int
    payee_vpa: str
    payee_name: str
    hold_minutes: int
    max_per_order: int
    max_pending_per_mobile: int
    late_window_minutes: int
    created_at: datetime
    export_path: str | None = None
    payee_kind: str = "personal"
    merchant_code: str | None = None
    gallery_cap_paise: int = 200_000
    terms: str | None = None
    closes_at: datetime | None = None  # naive UTC
    time_zone: str = "Asia/Kolkata"  # the buyers' zone, in which the closing time is typed and shown

    @property
    def width(self) -> int:
        return len(str(self.ticket_count))


@dataclass(frozen=True)
class PendingRow:
    order_id: int
    reference: str
    name: str
    mobile: str
    tickets: tuple[int, ...]
    payable_paise: int
    amount_unique: bool
    expires_at: datetime
    claimed_utr: str | None = None  # the UTR the buyer handed in (a claim, not a payment)
    client_key: str | None = None  # the web client (IP) that made it; None for console and CLI sales


# A client or a mobile prefix is flagged when its live holds reach this share of the draw, or this
# many times the per-client cap (many "buyers" behind one IP, or numbers made up around one prefix).
CONCENTRATION_SHARE = 0.20
CONCENTRATION_CAPS = 3
MOBILE_PREFIX_DIGITS = 5


@dataclass(frozen=True)
class HoldConcentration:
    """One client or one mobile prefix holding a large share of the draw (live pending holds)."""

    kind: str  # "client" or "mobile prefix"
    key: str
    tickets: int
    bookings: int
    ticket_count: int

    @property
    def percent(self) -> int:
        return round(100 * self.tickets / self.ticket_count) if self.ticket_count else 0


@dataclass(frozen=True)
class PaymentRow:
    payment_id: int
    received_at: datetime
    amount_paise: int
    utr: str
    utr_missing: bool
    status: str
    attention_reason: str | None
    source: str
    payer: str | None
    reference: str | None
    order_reference: str | None
    order_name: str | None
    candidate_reference: str | None
    claimed_reference: str | None = None  # the open booking whose buyer handed in this UTR
    claimed_name: str | None = None


@dataclass(frozen=True)
class BookingRow:
    order_id: int
    reference: str
    name: str
    mobile: str
    tickets: tuple[int, ...]
    payable_paise: int
    state: str
    source: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    utr: str | None
    claimed_utr: str | None = None


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    draw: DrawInfo | None
    tickets_total: int = 0
    tickets_sold: int = 0
    tickets_held: int = 0
    tickets_free: int = 0
    paid_bookings: int = 0
    pending_count: int = 0
    revenue_paise: int = 0
    unmatched_count: int = 0
    unmatched_paise: int = 0
    attention_count: int = 0
    attention_paise: int = 0
    sales: tuple[int, ...] = ()
    pending: tuple[PendingRow, ...] = field(default_factory=tuple)
    payments: tuple[PaymentRow, ...] = field(default_factory=tuple)
    concentration: tuple[HoldConcentration, ...] = field(default_factory=tuple)


def draw_info(draw: Draw) -> DrawInfo:
    return DrawInfo(
        draw.id,
        draw.name,
        draw.state,
        draw.ticket_count,
        draw.price_paise,
        draw.payee_vpa,
        draw.payee_name,
        draw.hold_minutes,
        draw.max_per_order,
        draw.max_pending_per_mobile,
        draw.late_window_minutes,
        draw.created_at,
        draw.export_path,
        draw.payee_kind,
        draw.merchant_code,
        draw.gallery_cap_paise,
        draw.terms,
        draw.closes_at,
        draw.time_zone,
    )


def _numbers(tickets) -> tuple[int, ...]:
    return tuple(tickets)


def take_snapshot(
    *,
    now: datetime | None = None,
    pending_limit: int = PENDING_LIMIT,
    payments_limit: int = PAYMENTS_LIMIT,
    sales_buckets: int = SALES_BUCKETS,
) -> Snapshot:
    """One refresh of the main screen for the current draw (reads only, never writes)."""
    now = now or utcnow()
    draw = current_draw(required=False)
    if draw is None:
        return Snapshot(taken_at=now, draw=None)
    d = draw.id
    sold = Ticket.select().where((Ticket.draw == d) & (Ticket.state == TicketState.SOLD)).count()
    held = Ticket.select().where((Ticket.draw == d) & live_holds(now)).count()
    paid = Order.select().where((Order.draw == d) & (Order.state == OrderState.PAID)).count()
    live = (Order.draw == d) & live_pending(now)
    pending_count = Order.select().where(live).count()
    money = {
        status: (count, total)
        for status, count, total in Payment.select(
            Payment.status, fn.COUNT(Payment.id), fn.COALESCE(fn.SUM(Payment.amount_paise), 0)
        )
        .where(Payment.draw == d)
        .group_by(Payment.status)
        .tuples()
    }
    pending = tuple(
        PendingRow(oid, ref, name, mobile, _numbers(tickets), payable, bool(unique), expires, claimed, client)
        for oid, ref, name, mobile, tickets, payable, unique, expires, claimed, client in Order.select(
            Order.id,
            Order.reference,
            Order.name,
            Order.mobile,
            Order.tickets,
            Order.payable_paise,
            Order.amount_unique,
            Order.expires_at,
            Order.claimed_utr,
            Order.client_key,
        )
        .where(live)
        .order_by(Order.expires_at, Order.id)
        .limit(pending_limit)
        .tuples()
    )
    return Snapshot(
        taken_at=now,
        draw=draw_info(draw),
        tickets_total=draw.ticket_count,
        tickets_sold=sold,
        tickets_held=held,
        tickets_free=draw.ticket_count - sold - held,
        paid_bookings=paid,
        pending_count=pending_count,
        revenue_paise=money.get("matched", (0, 0))[1],
        unmatched_count=money.get("unmatched", (0, 0))[0],
        unmatched_paise=money.get("unmatched", (0, 0))[1],
        attention_count=money.get("attention", (0, 0))[0],
        attention_paise=money.get("attention", (0, 0))[1],
        sales=sales_buckets_since(draw, now, sales_buckets),
        pending=pending,
        payments=recent_payments(d, payments_limit),
        concentration=hold_concentration(draw, now),
    )


def concentration_threshold(draw: Draw) -> int:
    """The live held tickets from which one client or one mobile prefix is flagged."""
    share = max(1, -(-draw.ticket_count * int(CONCENTRATION_SHARE * 100) // 100))
    return min(share, CONCENTRATION_CAPS * draw.max_held_per_client)


def hold_concentration(draw: Draw, now: datetime) -> tuple[HoldConcentration, ...]:
    """Clients and mobile prefixes whose live pending holds reach concentration_threshold, most
    tickets first (read from the live pending bookings only)."""
    threshold = concentration_threshold(draw)
    live = (Order.draw == draw.id) & live_pending(now)
    prefix = fn.SUBSTR(Order.mobile, 1, MOBILE_PREFIX_DIGITS)
    found = []
    for kind, key_column, where in (
        ("client", Order.client_key, live & Order.client_key.is_null(False)),
        ("mobile prefix", prefix, live),
    ):
        tickets = fn.SUM(Order.ticket_count)
        for key, total, count in (
            Order.select(key_column, tickets, fn.COUNT(Order.id))
            .where(where)
            .group_by(key_column)
            .having(tickets >= threshold)
            .tuples()
        ):
            found.append(HoldConcentration(kind, str(key), int(total), int(count), draw.ticket_count))
    return tuple(sorted(found, key=lambda c: (-c.tickets, c.kind, c.key)))


def recent_payments(
    draw_id: int, limit: int = PAYMENTS_LIMIT, statuses: tuple[str, ...] | None = None
) -> tuple[PaymentRow, ...]:
    """The newest payments of a draw (optionally only some statuses), with the booking each settled
    or, for one needing attention, the booking it concerns. Two plain reads — the LIMIT-ed payments,
    then their bookings by primary key — so the plan stays cheap whatever the table statistics say."""
    where = Payment.draw == draw_id
    if statuses:
        where &= Payment.status.in_(statuses)
    rows = list(
        Payment.select(
            Payment.id,
            Payment.received_at,
            Payment.amount_paise,
            Payment.utr,
            Payment.utr_missing,
            Payment.status,
            Payment.attention_reason,
            Payment.source,
            Payment.payer,
            Payment.reference,
            Payment.order,
            Payment.candidate,
        )
        .where(where)
        .order_by(Payment.id.desc())
        .limit(limit)
        .tuples()
    )
    wanted = {row[10] for row in rows if row[10]} | {row[11] for row in rows if row[11]}
    orders = {}
    if wanted:
        orders = {
            oid: (ref, name)
            for oid, ref, name in Order.select(Order.id, Order.reference, Order.name)
            .where(Order.id.in_(sorted(wanted)))
            .tuples()
        }
    claims = claimants(draw_id, [row[3] for row in rows if not row[4]])
    return tuple(
        PaymentRow(
            pid,
            received,
            amount,
            utr,
            bool(missing),
            status,
            reason,
            source,
            payer,
            reference,
            orders.get(order_id, (None, None))[0],
            orders.get(order_id, (None, None))[1],
            orders.get(candidate_id, (None, None))[0],
            *claims.get(utr, (None, None)),
        )
        for (
            pid,
            received,
            amount,
            utr,
            missing,
            status,
            reason,
            source,
            payer,
            reference,
            order_id,
            candidate_id,
        ) in rows
    )


def claimants(draw_id: int, utrs) -> dict[str, tuple[str, str]]:
    """UTR → (reference, buyer name) of the booking of this draw that claimed it (an open one
    first, else the newest), for the UTRs given."""
    utrs = sorted(set(utrs))
    found: dict[str, tuple[str, str]] = {}
    if not utrs:
        return found
    rows = (
        Order.select(Order.claimed_utr, Order.reference, Order.name, Order.state)
        .where((Order.draw == draw_id) & Order.claimed_utr.in_(utrs))
        .order_by(Order.id)
        .tuples()
    )
    for utr, reference, name, state in rows:
        if utr not in found or state in (OrderState.PENDING, OrderState.EXPIRED):
            found[utr] = (reference, name)
    return found


def open_payments(draw_id: int, limit: int = 500) -> tuple[PaymentRow, ...]:
    """Payments the organiser still has to sort out: unmatched and needs attention, newest first."""
    return recent_payments(draw_id, limit, ("unmatched", "attention"))


def sales_buckets_since(draw: Draw, now: datetime, buckets: int = SALES_BUCKETS) -> tuple[int, ...]:
    """Tickets sold per equal slice of the draw's life so far, oldest first, bucketed in the database
    (one row per non-empty slice comes back, not one per order)."""
    start = draw.created_at
    step = max((now - start).total_seconds(), 60.0) / buckets
    if is_sqlite():
        origin = start.strftime("%Y-%m-%d %H:%M:%S.%f")
        bucket = Cast((fn.julianday(Order.paid_at) - fn.julianday(origin)) * 86400.0 / step, "INTEGER")
    else:
        bucket = fn.FLOOR(fn.date_part("epoch", Order.paid_at - start) / step)
    counts = [0] * buckets
    query = (
        Order.select(bucket.alias("b"), fn.SUM(Order.ticket_count))
        .where((Order.draw == draw.id) & (Order.state == OrderState.PAID))
        .group_by(bucket)
        .tuples()
    )
    for index, count in query:
        index = min(max(int(index or 0), 0), buckets - 1)
        counts[index] += int(count or 0)
    return tuple(counts)


def search_bookings(
    draw_id: int, text: str = "", *, states: tuple[str, ...] | None = None, limit: int = 200
) -> tuple[tuple[BookingRow, ...], int]:
    """Bookings of a draw whose reference, name, mobile or payable amount fits `text`, newest first,
    and how many fit in all. Blank text lists them all."""
    where = Order.draw == draw_id
    if states:
        where &= Order.state.in_(states)
    text = (text or "").strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        reference = normalise_reference(text)
        match = fn.LOWER(Order.name).contains(text.lower())
        if reference:
            match |= Order.reference == reference
        elif text.upper().startswith("LD"):
            match |= Order.reference.contains(text.upper())
        if len(digits) >= 3 and digits == "".join(text.split()).lstrip("+"):
            match |= Order.mobile.contains(digits[-10:])
        if len(digits) == 12 and digits == "".join(text.split()):
            match |= Order.claimed_utr == digits  # the UTR a buyer handed in
        try:
            match |= Order.payable_paise == parse_amount(text)
        except LuckyDrawError:
            pass
        where &= match
    total = Order.select().where(where).count()
    utr = Payment.select(fn.MIN(Payment.utr)).where(
        (Payment.order == Order.id) & (Payment.status == PaymentState.MATCHED)
    )
    rows = (
        Order.select(
            Order.id,
            Order.reference,
            Order.name,
            Order.mobile,
            Order.tickets,
            Order.payable_paise,
            Order.state,
            Order.source,
            Order.created_at,
            Order.expires_at,
            Order.paid_at,
            utr.alias("utr"),
            Order.claimed_utr,
        )
        .where(where)
        .order_by(Order.id.desc())
        .limit(limit)
        .tuples()
    )
    return tuple(
        BookingRow(oid, ref, name, mobile, _numbers(tickets), *rest) for oid, ref, name, mobile, tickets, *rest in rows
    ), total


def list_draw_infos() -> tuple[DrawInfo, ...]:
    return tuple(draw_info(d) for d in Draw.select().order_by(Draw.id.desc()))
