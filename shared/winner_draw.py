"""The end of a draw: close sales (optionally announcing a future public value), plan the prizes,
draw the winners so that anyone can recompute them, redraw unclaimed prizes as new numbered
drawings, and build the public results document.

The rules a front end relies on:
- Closing stops new holds; pending bookings keep their time and may still be paid.
- The draw refuses while bookings are pending, or payments are unmatched or need attention. The
  organiser may let pending bookings expire at the draw (`expire_pending=True`): they are
  cancelled with an event, in the same transaction as the draw, and only when no payment is left
  to resolve.
- If a public value was announced, the draw needs it; if none was announced, none is accepted
  (a value chosen at the draw could be picked to favour a ticket).
- The first drawing freezes its inputs (sold tickets, list hash, public value, buyer ids), so a
  redraw and every later results document use exactly what drawing 1 used. Nothing is rewritten:
  a redraw is a new drawing that excludes every earlier winner.
- The published document holds no mobile number and no full name: winners appear as first name
  and initial ("Asha P."), buyers (when one prize per buyer) as opaque ids keyed by a secret
  that is never stored.
"""

import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, fn

from .booking import expire_due
from .db import utcnow, write_tx
from .draws import current_draw, get_draw, set_sales_open
from .errors import Conflict, InvalidInput
from .fields import ticket_list_text
from .lifecycle import cancel_pending_order, live_pending
from .models import Draw, Order, Payment, Ticket, record_event
from .models_winners import Drawing, DrawingWinner, DrawResultMeta, Prize
from .states import DrawState, OrderState, PaymentState, TicketState
from .winner_algorithm import pick_winners, ticket_list_hash

MAX_PRIZES = 100
MAX_TEXT = 200
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "shri", "sri", "smt", "kumari", "km", "prof", "er", "adv"}


@dataclass(frozen=True)
class PrizePlan:
    prizes: tuple[str, ...]
    one_prize_per_buyer: bool


@dataclass(frozen=True)
class Readiness:
    """Whether the current draw can be drawn now, and if not, why (one sentence per problem)."""

    draw_id: int
    state: str
    sold_tickets: int
    pending_orders: int
    attention_payments: int
    unmatched_payments: int
    announcement: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_public_value(self) -> bool:
        return bool(self.announcement)


@dataclass(frozen=True)
class DrawnWinner:
    """A winner as the organiser sees it. `public_name` is what the results page shows; the
    buyer's full name, mobile and booking reference are for contacting them, never published."""

    prize_index: int
    prize: str
    ticket: int
    label: str
    counter: int
    public_name: str
    buyer_name: str | None
    mobile: str | None
    reference: str | None


@dataclass(frozen=True)
class DrawingResult:
    draw_id: int
    number: int  # 1 = the draw, 2, 3, ... = redraws
    prizes: tuple[str, ...]
    reason: str
    drawn_at: datetime
    public_value: str
    list_hash: str
    sold_count: int
    one_prize_per_buyer: bool
    winners: tuple[DrawnWinner, ...]
    cancelled_pending: tuple[str, ...] = ()  # references of bookings let expire for this drawing


# --- what people type -------------------------------------------------------------------------


def clean_text(value, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Trimmed text with runs of spaces collapsed; no control characters; at most `limit` long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in value if ch not in " \t"):
        raise InvalidInput(f"{what} contains characters that cannot be used.")
    text = " ".join(value.split())
    if required and not text:
        raise InvalidInput(f"Please enter the {what.lower()}.")
    if len(text) > limit:
        raise InvalidInput(f"{what} is too long: at most {limit} characters, this has {len(text)}.")
    return text


def clean_prizes(prizes) -> list[str]:
    """Prize names in drawing order: 1 to 100 of them, each 1-80 characters, no two alike."""
    if isinstance(prizes, str) or not isinstance(prizes, (list, tuple)):
        raise InvalidInput("Prizes must be a list of names, e.g. ['1st: scooter', '2nd: phone'].")
    if not prizes:
        raise InvalidInput("Name at least one prize, e.g. '1st: scooter'.")
    if len(prizes) > MAX_PRIZES:
        raise InvalidInput(f"At most {MAX_PRIZES} prizes; {len(prizes)} were given.")
    names = [clean_text(p, "Prize name", limit=80) for p in prizes]
    seen = {}
    for name in names:
        key = name.casefold()
        if key in seen:
            raise InvalidInput(f"Two prizes are both called '{name}'; give each prize its own name.")
        seen[key] = name
    return names


def public_name(full_name) -> str:
    """What the results page shows for a winner: first name and the initial of the last name
    ("Asha Patel" -> "Asha P."). Words with digits (a mobile typed as a name) are never shown."""
    words = [w for w in str(full_name or "").split() if not any(ch.isdigit() for ch in w)]
    core = [w for w in words if w.rstrip(".").casefold() not in _HONORIFICS] or words
    if not core:
        return "Ticket holder"
    first = core[0][:20]
    first = first[:1].upper() + first[1:]
    initial = next((ch for ch in core[-1] if ch.isalpha()), "") if len(core) > 1 else ""
    return f"{first} {initial.upper()}." if initial else first


def _opaque_ids(mobiles: set[str]) -> dict[str, str]:
    """A published id per buyer: 'b' + 12 hex of HMAC-SHA256(one-off secret, mobile). The secret
    is discarded, so an id cannot be turned back into a mobile by trying all 10-digit numbers."""
    for _attempt in range(10):
        key = secrets.token_bytes(32)
        ids = {m: "b" + hmac.new(key, m.encode(), hashlib.sha256).hexdigest()[:12] for m in mobiles}
        if len(set(ids.values())) == len(ids):
            return ids
    raise Conflict("Could not make distinct buyer ids; please try the draw again.")


def iso_time(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# --- closing and opening sales ----------------------------------------------------------------


def result_meta(draw_id: int) -> DrawResultMeta | None:
    return DrawResultMeta.get_or_none(DrawResultMeta.draw == draw_id)


def _meta_for_write(draw_id: int) -> DrawResultMeta:
    meta = result_meta(draw_id)
    if meta is None:
        meta = DrawResultMeta.create(draw=draw_id)
    return meta


def _refuse_if_drawn(draw: Draw, doing: str) -> None:
    if draw.state == DrawState.DRAWN:
        raise Conflict(f"Winners of draw #{draw.id} have already been drawn; {doing} is no longer possible.")


def close_sales(announcement: str | None = None, *, now=None) -> Draw:
    """Stop new holds on the current draw. `announcement` names a future public value that will
    be mixed into the draw ("drand round 123456", "Kerala lottery first prize of 5 May"). It is
    recorded with its time and can never be changed; it may also be added later while sales are
    closed, as long as none was made before."""
    text = clean_text(announcement, "Announcement", required=False) or None
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        _refuse_if_drawn(draw, "closing sales")
        meta = result_meta(draw.id)
        made = meta.announcement if meta else None
        if draw.state == DrawState.CLOSED and text is None:
            raise Conflict(f"Sales for draw #{draw.id} are already closed.")
        if text is not None and meta is not None and made:
            raise Conflict(
                f"The public value was already announced as '{made}' "
                f"({iso_time(meta.announced_at)}); an announcement cannot be changed."
            )
        if draw.state == DrawState.OPEN:
            set_sales_open(False, now=now)
        if text is not None:
            _meta_for_write(draw.id)
            DrawResultMeta.update(announcement=text, announced_at=now).where(DrawResultMeta.draw == draw.id).execute()
            record_event("public_value_announced", draw=draw, at=now, announcement=text)
    return Draw.get_by_id(draw.id)


def open_sales(*, now=None) -> Draw:
    """Take bookings again (before the draw only). An announcement already made stays on record."""
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        _refuse_if_drawn(draw, "opening sales")
        if draw.state == DrawState.OPEN:
            raise Conflict(f"Sales for draw #{draw.id} are already open.")
        set_sales_open(True, now=now)
    return Draw.get_by_id(draw.id)


# --- prizes -----------------------------------------------------------------------------------


def set_prizes(prizes, one_prize_per_buyer: bool = False, *, now=None) -> PrizePlan:
    """Plan the prizes of the current draw before the draw (shown to buyers; used by the draw
    when it is not given its own list)."""
    names = clean_prizes(prizes)
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        _refuse_if_drawn(draw, "changing the prizes")
        _store_plan(draw, names, bool(one_prize_per_buyer))
        record_event("prizes_set", draw=draw, at=now, prizes=names, one_prize_per_buyer=bool(one_prize_per_buyer))
    return PrizePlan(tuple(names), bool(one_prize_per_buyer))


def _store_plan(draw: Draw, names: list[str], one: bool) -> None:
    Prize.delete().where(Prize.draw == draw.id).execute()
    Prize.insert_many([{"draw": draw.id, "position": i, "name": n} for i, n in enumerate(names)]).execute()
    _meta_for_write(draw.id)
    DrawResultMeta.update(one_prize_per_buyer=one).where(DrawResultMeta.draw == draw.id).execute()


def prize_plan(draw_id: int | None = None) -> PrizePlan:
    draw = get_draw(draw_id)
    names = [p.name for p in Prize.select().where(Prize.draw == draw.id).order_by(Prize.position)]
    meta = result_meta(draw.id)
    return PrizePlan(tuple(names), bool(meta and meta.one_prize_per_buyer))


# --- the draw ---------------------------------------------------------------------------------


def _counts(draw: Draw, now: datetime) -> dict:
    pending = Order.select().where((Order.draw == draw.id) & live_pending(now)).count()
    payments = dict(
        Payment.select(Payment.status, fn.COUNT(Payment.id))
        .where((Payment.draw == draw.id) & Payment.status.in_((PaymentState.ATTENTION, PaymentState.UNMATCHED)))
        .group_by(Payment.status)
        .tuples()
    )
    sold = Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state == TicketState.SOLD)).count()
    return {
        "pending": pending,
        "attention": payments.get("attention", 0),
        "unmatched": payments.get("unmatched", 0),
        "sold": sold,
    }


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _state_problem(draw: Draw) -> str | None:
    if draw.state == DrawState.OPEN:
        return "Sales are still open: close sales first."
    if draw.state == DrawState.DRAWN:
        return "Winners have already been drawn; an unclaimed prize is redrawn, not drawn again."
    if draw.state != DrawState.CLOSED:
        return f"Draw #{draw.id} is {draw.state}."
    return None


def _payment_problems(counts: dict) -> list[str]:
    problems = []
    if counts["attention"]:
        problems.append(
            _plural(counts["attention"], "payment needs", "payments need") + " attention: refund or assign them first."
        )
    if counts["unmatched"]:
        problems.append(
            _plural(counts["unmatched"], "payment is", "payments are")
            + " unmatched: assign them to a booking or refund them first."
        )
    return problems


def _pending_problem(counts: dict) -> str | None:
    if counts["pending"]:
        return (
            _plural(counts["pending"], "booking is", "bookings are") + " still pending and may be paid: "
            "wait for them, or let them expire now."
        )
    return None


def draw_readiness(*, now=None) -> Readiness:
    """Read-only: can the current draw be drawn now? (What the console shows before the draw.)"""
    now = now or utcnow()
    draw = current_draw()
    counts = _counts(draw, now)
    meta = result_meta(draw.id)
    problems = [_state_problem(draw), *_payment_problems(counts), _pending_problem(counts)]
    if counts["sold"] == 0:
        problems.append("No tickets were sold, so there is nobody to draw.")
    return Readiness(
        draw.id,
        draw.state,
        counts["sold"],
        counts["pending"],
        counts["attention"],
        counts["unmatched"],
        meta.announcement if meta else None,
        tuple(p for p in problems if p),
    )


def _public_value(value, meta: DrawResultMeta | None) -> str:
    text = clean_text(value, "Public value", required=False)
    announced = meta.announcement if meta else None
    if announced and not text:
        raise InvalidInput(f"Sales were closed with the announcement '{announced}': type that public value to draw.")
    if text and not announced:
        raise Conflict(
            "No public value was announced when sales closed, so none can be mixed in now: a value "
            "chosen at the draw could be picked to favour a ticket. Draw without one."
        )
    return text


def _cancel_pending(draw: Draw, now: datetime) -> list[str]:
    """Let every remaining pending booking expire now (cancelled, numbers freed, an event each)."""
    references = []
    for order in Order.select().where((Order.draw == draw.id) & (Order.state == OrderState.PENDING)).order_by(Order.id):
        cancel_pending_order(order.id, draw.id, now, "pending when the winners were drawn; let expire by the organiser")
        references.append(order.reference)
    return references


def _sold_with_buyers(draw: Draw) -> list[tuple]:
    rows = list(
        Ticket.select(Ticket.number, Order.id, Order.mobile)
        .join(Order, on=(Ticket.order == Order.id), join_type=JOIN.LEFT_OUTER)
        .where((Ticket.draw == draw.id) & (Ticket.state == TicketState.SOLD))
        .order_by(Ticket.number)
        .tuples()
    )
    orphans = [number for number, order_id, _ in rows if order_id is None]
    if orphans:
        raise Conflict(f"Ticket(s) {orphans[:10]} are sold but belong to no booking; fix that before the draw.")
    return rows


def draw_winners(
    prizes=None,
    public_value: str | None = None,
    one_prize_per_buyer: bool | None = None,
    expire_pending: bool = False,
    *,
    now=None,
) -> DrawingResult:
    """Drawing 1 of the current draw. `prizes` defaults to the planned prizes, and
    `one_prize_per_buyer` to the plan's rule. Refuses (Conflict / InvalidInput, nothing changed)
    unless sales are closed, nothing is pending (or `expire_pending`), no payment is unmatched or
    needs attention, and the public value agrees with the announcement."""
    names = clean_prizes(prizes) if prizes is not None else None
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        problem = _state_problem(draw)
        if problem:
            raise Conflict(problem)
        plan = prize_plan(draw.id)
        names = names or list(plan.prizes)
        if not names:
            raise InvalidInput("Name the prizes to draw, e.g. '1st: scooter', '2nd: phone'.")
        one = plan.one_prize_per_buyer if one_prize_per_buyer is None else bool(one_prize_per_buyer)
        meta = result_meta(draw.id)
        value = _public_value(public_value, meta)
        expire_due(now)
        counts = _counts(draw, now)
        problems = _payment_problems(counts)
        if problems:
            if expire_pending and counts["pending"]:
                problems.insert(0, "Pending bookings can be let expire only when no payment is left to resolve.")
            raise Conflict(" ".join(problems))
        pending_problem = _pending_problem(counts)
        if not expire_pending and pending_problem:
            raise Conflict(pending_problem)
        cancelled = _cancel_pending(draw, now) if expire_pending else []
        rows = _sold_with_buyers(draw)
        sold = [number for number, _, _ in rows]
        owners: dict[int, str] | None = None
        if one:
            ids = _opaque_ids({mobile for _, _, mobile in rows})
            owners = {number: ids[mobile] for number, _, mobile in rows}
        won = pick_winners(draw.seed, value, sold, names, owners=owners, one_prize_per_buyer=one, drawing_number=1)
        list_hash = ticket_list_hash(sold)
        last_sale = (
            Order.select(fn.MAX(Order.paid_at))
            .where((Order.draw == draw.id) & (Order.state == OrderState.PAID))
            .scalar()
        )
        _store_plan(draw, names, one)
        DrawResultMeta.update(
            public_value=value,
            sold=ticket_list_text(sold),
            list_hash=list_hash,
            last_sale_at=last_sale,
            owners=json.dumps({str(t): b for t, b in owners.items()}) if owners is not None else None,
            drawn_at=now,
        ).where(DrawResultMeta.draw == draw.id).execute()
        drawing = _store_drawing(draw, 1, names, "", now, won)
        Draw.update(state=DrawState.DRAWN).where(Draw.id == draw.id).execute()
        record_event(
            "winners_drawn",
            draw=draw,
            at=now,
            drawing=1,
            prizes=names,
            winners=[w.ticket for w in won],
            public_value=value,
            list_hash=list_hash,
            sold=len(sold),
            one_prize_per_buyer=one,
            cancelled_pending=cancelled,
        )
        return _result(draw, drawing, DrawResultMeta.get_by_id(draw.id), cancelled)


def _store_drawing(draw: Draw, number: int, names: list[str], reason: str, now: datetime, won) -> Drawing:
    drawing = Drawing.create(draw=draw.id, number=number, prizes=json.dumps(names), reason=reason, drawn_at=now)
    tickets = [w.ticket for w in won]
    buyers = dict(
        Ticket.select(Ticket.number, Order.id)
        .join(Order, on=(Ticket.order == Order.id))
        .where((Ticket.draw == draw.id) & Ticket.number.in_(tickets))
        .tuples()
    )
    names_by_order = dict(Order.select(Order.id, Order.name).where(Order.id.in_(list(buyers.values()))).tuples())
    for w in won:
        order_id = buyers.get(w.ticket)
        DrawingWinner.create(
            drawing=drawing.id,
            prize_index=w.prize_index,
            prize=w.prize,
            ticket=w.ticket,
            counter=w.counter,
            order=order_id,
            public_name=public_name(names_by_order.get(order_id)),
        )
    return drawing


def _redraw_names(prizes, first: list[str]) -> list[str]:
    if isinstance(prizes, str):
        prizes = [prizes]
    if not isinstance(prizes, (list, tuple)) or not prizes:
        raise InvalidInput("Name the prize(s) to redraw.")
    by_key = {p.casefold(): p for p in first}
    names = []
    for given in prizes:
        text = clean_text(str(given) if isinstance(given, int) else given, "Prize to redraw", limit=80)
        name: str | None = first[int(text) - 1] if text.isdigit() and 1 <= int(text) <= len(first) else None
        if name is None:
            name = by_key.get(text.casefold())
        if name is None:
            raise InvalidInput(
                f"'{text}' is not a prize of this draw; the prizes are: "
                + "; ".join(f"{i}. {p}" for i, p in enumerate(first, start=1))
                + "."
            )
        if name in names:
            raise InvalidInput(f"'{name}' is named twice; redraw each prize once per drawing.")
        names.append(name)
    return names


def redraw(prizes, reason: str = "", *, now=None) -> DrawingResult:
    """A new numbered drawing for unclaimed prizes (names or 1-based numbers of drawing 1's
    prizes), with the frozen inputs of drawing 1 and every earlier winner excluded. Earlier
    drawings stay as they are."""
    reason = clean_text(reason, "Reason", required=False)
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        if draw.state != DrawState.DRAWN:
            raise Conflict("Winners have not been drawn yet, so there is nothing to redraw.")
        history = list(Drawing.select().where(Drawing.draw == draw.id).order_by(Drawing.number))
        names = _redraw_names(prizes, history[0].prize_names)
        meta = DrawResultMeta.get_by_id(draw.id)
        earlier = [
            t
            for (t,) in DrawingWinner.select(DrawingWinner.ticket).join(Drawing).where(Drawing.draw == draw.id).tuples()
        ]
        number = history[-1].number + 1
        won = pick_winners(
            draw.seed,
            meta.public_value,
            meta.sold_numbers,
            names,
            owners=meta.owner_map,
            one_prize_per_buyer=meta.one_prize_per_buyer,
            drawing_number=number,
            exclude=earlier,
        )
        drawing = _store_drawing(draw, number, names, reason, now, won)
        record_event(
            "winners_redrawn",
            draw=draw,
            at=now,
            drawing=number,
            prizes=names,
            reason=reason,
            winners=[w.ticket for w in won],
            excluded=sorted(earlier),
        )
        return _result(draw, drawing, meta)


def _result(draw: Draw, drawing: Drawing, meta: DrawResultMeta, cancelled=()) -> DrawingResult:
    rows = (
        DrawingWinner.select(
            DrawingWinner.prize_index,
            DrawingWinner.prize,
            DrawingWinner.ticket,
            DrawingWinner.counter,
            DrawingWinner.public_name,
            Order.name,
            Order.mobile,
            Order.reference,
        )
        .join(Order, on=(DrawingWinner.order == Order.id), join_type=JOIN.LEFT_OUTER)
        .where(DrawingWinner.drawing == drawing.id)
        .order_by(DrawingWinner.prize_index)
        .tuples()
    )
    winners = tuple(
        DrawnWinner(index, prize, ticket, draw.label(ticket), counter, shown, name, mobile, reference)
        for index, prize, ticket, counter, shown, name, mobile, reference in rows
    )
    return DrawingResult(
        draw.id,
        drawing.number,
        tuple(drawing.prize_names),
        drawing.reason,
        drawing.drawn_at,
        meta.public_value or "",
        meta.list_hash,
        len(meta.sold_numbers),
        meta.one_prize_per_buyer,
        winners,
        tuple(cancelled),
    )


def drawings(draw_id: int | None = None) -> list[DrawingResult]:
    """Every drawing of a draw, oldest first, with the winners' contact details (organiser only)."""
    draw = get_draw(draw_id)
    history = list(Drawing.select().where(Drawing.draw == draw.id).order_by(Drawing.number))
    if not history:
        return []
    meta = DrawResultMeta.get_by_id(draw.id)
    return [_result(draw, d, meta) for d in history]
