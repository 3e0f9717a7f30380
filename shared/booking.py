"""Bookings: hold tickets all-or-nothing with a unique payable amount (within one web client's
limits), let holds expire by themselves, cancel, release one client's holds, and answer the
buyer's status and availability questions."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import IntegrityError

from . import hold_sql, status_cache
from .db import utcnow, write_tx
from .draws import NO_DRAW_YET, current_draw
from .errors import Conflict, InvalidInput, LimitReached, NotFound, SalesClosed, TicketsTaken
from .fields import ticket_list_numbers, ticket_list_text
from .ids import new_reference, new_session_id, normalise_reference
from .lifecycle import cancel_pending_order, hold_is_live, mark_order_expired, pending_past_time, reads_as
from .models import Draw, Order, Ticket, record_event
from .states import DrawState, OrderState, TicketState
from .upi import link_merchant_code, upi_uri
from .validation import SESSION_RE, clean_name, parse_mobile, parse_ticket_list

MAX_OFFSET = 99
SWEEP_EVERY_SECONDS = 1.0
_last_sweep = {"at": 0.0}


@dataclass(frozen=True)
class Hold:
    order_id: int
    session_id: str
    reference: str
    tickets: tuple[int, ...]
    base_paise: int
    payable_paise: int
    amount_unique: bool
    expires_at: datetime
    upi_uri: str


@dataclass(frozen=True)
class OrderStatus:
    session_id: str
    reference: str
    state: str
    tickets: tuple[int, ...]
    payable_paise: int
    expires_at: datetime
    paid_at: datetime | None
    draw_id: int


def expire_due(now: datetime | None = None) -> int:
    """Expire every pending order whose hold has ended and free its tickets. Runs inside the
    caller's write transaction or its own. (A payable amount whose late-payment window is over is
    released when a new order takes it, see _pick_amount: a sweep over every reserved amount here
    would cost every payment a scan that grows with the draw.)"""
    now = now or utcnow()
    with write_tx():
        due = list(
            Order.select(Order.id, Order.draw, Order.expires_at, Draw.late_window_minutes)
            .join(Draw)
            .where(pending_past_time(now))
            .objects()
        )
        for order in due:
            mark_order_expired(order.id, order.draw_id, now, (order.expires_at, order.late_window_minutes))
    _last_sweep["at"] = time.monotonic()
    return len(due)


def maybe_expire(now=None) -> None:
    """expire_due() at most about once a second per process (it is cheap, but holds are hot)."""
    if time.monotonic() - _last_sweep["at"] >= SWEEP_EVERY_SECONDS:
        expire_due(now)


def hold_tickets(
    name, mobile, tickets, *, now: datetime | None = None, source: str = "web", client_key: str | None = None
) -> Hold:
    """Hold all of `tickets` for a new pending order, or none of them.

    `client_key` names the web client placing it (its IP after proxy handling): that client may hold
    at most the draw's `max_held_per_client` tickets at once and make at most
    `max_bookings_per_client_window` bookings within one late-payment window (each one keeps a
    paise offset reserved that long, cancelled or not). Console and CLI sales pass none: exempt.

    Raises TicketsTaken naming exactly the numbers already held or sold, SalesClosed, LimitReached,
    or InvalidInput for a bad name, mobile or ticket list. Nothing changes when it raises."""
    name = clean_name(name)
    mobile = parse_mobile(mobile)
    draw = hold_sql.current_draw_row()
    if draw is None:
        raise NotFound(NO_DRAW_YET)
    numbers = parse_ticket_list(tickets, draw["ticket_count"], draw["max_per_order"])
    for _attempt in range(5):
        try:
            return _hold(name, mobile, numbers, now or utcnow(), source, _client(client_key))
        except IntegrityError:  # a random id collided, or a constraint caught what the checks missed
            continue
    raise LimitReached("The booking could not be saved just now; please try again.")


def _pick_amount(draw_id: int, base: int, now: datetime) -> int | None:
    """The smallest payable amount base + 0..99 not reserved by another order, or None. An amount
    whose late-payment window is over counts as free (and is released when it is taken again)."""
    used, lapsed = hold_sql.reserved_amounts(draw_id, base, base + MAX_OFFSET, now)
    for amount in range(base, base + MAX_OFFSET + 1):
        if amount not in used:
            if amount in lapsed:
                hold_sql.release_amount(draw_id, amount, now)
            return amount
    return None


def _client(client_key) -> str | None:
    key = str(client_key or "").strip()[:64]
    return key or None


def check_client_limits(draw: dict, client_key: str, count: int, now: datetime) -> None:
    """Refuse a hold of `count` tickets that would take one client over the draw's limits (inside
    the hold's write transaction, so it holds across workers and processes)."""
    window = draw["late_window_minutes"]
    held, recent = hold_sql.client_usage(draw["id"], client_key, now, now - timedelta(minutes=window))
    cap = draw["max_held_per_client"]
    if held + count > cap:
        if held >= cap:
            more = "Pay for those bookings or wait for them to expire before booking more."
        else:
            more = f"You can book at most {cap - held} more now."
        tickets = "ticket" if held == 1 else "tickets"
        raise LimitReached(
            f"Your connection already has {held} {tickets} waiting for payment, and one connection can "
            f"hold at most {cap} at a time. {more}"
        )
    if window and recent >= draw["max_bookings_per_client_window"]:
        raise LimitReached(
            f"Your connection has made {recent} bookings in the last {window} minutes, the most allowed. "
            f"Pay for a booking you have, or try again later."
        )


def _hold(name, mobile, numbers, now, source, client_key=None) -> Hold:
    with write_tx():
        draw = hold_sql.current_draw_row()
        if draw is None or draw["state"] != DrawState.OPEN:
            raise SalesClosed("Sales for this draw are closed.")
        draw_id, width = draw["id"], len(str(draw["ticket_count"]))
        maybe_expire(now)
        taken, lapsed = hold_sql.taken_numbers(draw_id, numbers, now)
        if lapsed:
            expire_due(now)
            taken, _ = hold_sql.taken_numbers(draw_id, numbers, now)
        if taken:
            raise TicketsTaken(taken, width)
        pending = hold_sql.pending_for_mobile(draw_id, mobile, now)
        if pending >= draw["max_pending_per_mobile"]:
            raise LimitReached(
                f"This mobile number already has {pending} unpaid bookings. Pay for one or "
                f"wait for it to expire before booking more."
            )
        if client_key is not None:
            check_client_limits(draw, client_key, len(numbers), now)
        base = draw["price_paise"] * len(numbers)
        picked = _pick_amount(draw_id, base, now)
        expires_at = now + timedelta(minutes=draw["hold_minutes"])
        session_id, reference = new_session_id(), new_reference()
        unique = picked is not None
        payable = picked if picked is not None else base
        order_id = hold_sql.insert_order(
            {
                "draw_id": draw_id,
                "session_id": session_id,
                "reference": reference,
                "name": name,
                "mobile": mobile,
                "tickets": ticket_list_text(numbers),
                "ticket_count": len(numbers),
                "base_paise": base,
                "payable_paise": payable,
                "amount_unique": unique,
                "amount_lock": payable if unique else None,
                "state": OrderState.PENDING,
                "source": source,
                "client_key": client_key,
                "created_at": now,
                "expires_at": expires_at,
            }
        )
        claimed = hold_sql.claim_free(draw_id, numbers, order_id, expires_at)
        if claimed != len(numbers):  # cannot happen under the write lock; refuse rather than oversell
            taken, _ = hold_sql.taken_numbers(draw_id, numbers, now)
            raise TicketsTaken([n for n in taken if n in numbers] or numbers, width)
        hold_sql.insert_event(
            "order_created",
            draw_id,
            order_id,
            now,
            tickets=numbers,
            payable_paise=payable,
            expires_at=expires_at,
            source=source,
            client=client_key,
        )
    return Hold(
        order_id,
        session_id,
        reference,
        tuple(numbers),
        base,
        payable,
        unique,
        expires_at,
        upi_uri(
            draw["payee_vpa"],
            draw["payee_name"],
            payable,
            reference,
            link_merchant_code(draw["payee_kind"], draw["merchant_code"]),
        ),
    )


def find_order(key: str) -> Order:
    """An order by session id (12 digits) or payment reference (LD-XXXXXX)."""
    key = str(key or "").strip()
    order = None
    if SESSION_RE.match(key):
        order = Order.get_or_none(Order.session_id == key)
    else:
        reference = normalise_reference(key)
        if reference:
            order = Order.get_or_none(Order.reference == reference)
    if order is None:
        raise NotFound(f"No booking found for '{key[:20]}'.")
    return order


def order_status(session_id: str, now: datetime | None = None, *, cached: bool = False) -> OrderStatus:
    """What the buyer's page polls: one indexed read, no writes. A pending order whose hold has
    ended reads as expired even before the sweep has run. `cached`: the row may come from this
    process's memory of polled bookings (shared.status_cache, PostgreSQL only); what it reads as is
    worked out here, at `now`, either way."""
    if not SESSION_RE.match(str(session_id or "")):
        raise NotFound("No booking with that id.")
    row = status_cache.status_row(session_id) if cached else hold_sql.status_row(session_id)
    if row is None:
        raise NotFound("No booking with that id.")
    sid, reference, state, tickets, payable, expires_at, paid_at, draw_id = row
    expires_at = _as_datetime(expires_at)
    return OrderStatus(
        sid,
        reference,
        reads_as(state, expires_at, now or utcnow()),
        ticket_list_numbers(tickets),
        payable,
        expires_at,
        _as_datetime(paid_at),
        draw_id,
    )


def _as_datetime(value) -> Any:  # a datetime, or None for None
    """SQLite gives text, PostgreSQL a datetime: both → datetime. (The poll's hot path: the ISO text
    SQLite holds is read directly, anything else the way the model field reads it.)"""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return Order.expires_at.python_value(value)


def cancel_order(key: str, *, now=None, reason: str = "cancelled") -> Order:
    """Cancel a pending order and free its tickets (its amount stays reserved for the late window)."""
    now = now or utcnow()
    with write_tx():
        order = find_order(key)
        if order.state != OrderState.PENDING:
            raise Conflict(f"Booking {order.reference} is {order.state}, so it cannot be cancelled.")
        cancel_pending_order(order.id, order.draw_id, now, reason)
    return Order.get_by_id(order.id)


@dataclass(frozen=True)
class Released:
    """What releasing one client's holds did: the bookings cancelled and the tickets they freed."""

    client_key: str
    references: tuple[str, ...]
    tickets: int


def release_client_holds(client_key: str, *, now: datetime | None = None) -> Released:
    """The organiser's one action against a client holding too much: every pending booking of the
    current draw made by `client_key` is cancelled through the lifecycle (each journalled, its
    amount kept reserved for the late window), and the release itself is journalled once."""
    key = _client(client_key)
    if key is None:
        raise InvalidInput("Name the client to release: its IP address, as the pending list shows it.")
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        orders = list(
            Order.select(Order.id, Order.reference, Order.ticket_count)
            .where((Order.draw == draw.id) & (Order.client_key == key) & (Order.state == OrderState.PENDING))
            .order_by(Order.id)
        )
        done = [o for o in orders if cancel_pending_order(o.id, draw.id, now, f"organiser released the holds of {key}")]
        tickets = sum(o.ticket_count for o in done)
        if done:
            record_event(
                "client_holds_released",
                draw=draw.id,
                at=now,
                client=key,
                bookings=[o.reference for o in done],
                tickets=tickets,
            )
    return Released(key, tuple(o.reference for o in done), tickets)


def availability(draw: Draw | None = None, now: datetime | None = None) -> dict:
    """Compact availability: a string with one character per ticket ('0' free, '1' held, '2' sold)."""
    draw = draw or current_draw()
    now = now or utcnow()
    states = bytearray(b"0" * draw.ticket_count)
    held = sold = 0
    for number, state, held_until in (
        Ticket.select(Ticket.number, Ticket.state, Ticket.held_until)
        .where((Ticket.draw == draw.id) & (Ticket.state != TicketState.FREE))
        .tuples()
    ):
        if state == TicketState.SOLD:
            states[number - 1] = ord("2")
            sold += 1
        elif hold_is_live(held_until, now):
            states[number - 1] = ord("1")
            held += 1
    return {
        "draw_id": draw.id,
        "count": draw.ticket_count,
        "states": states.decode(),
        "sold": sold,
        "held": held,
        "free": draw.ticket_count - sold - held,
    }
