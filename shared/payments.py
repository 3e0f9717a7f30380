"""Payments: record money the organiser saw arrive, match it to a booking by the rules of the
contract (the buyer's claimed UTR → reference → unique amount → late payment → double payment →
unmatched; never a guess),
assign by hand, refund, and cash sales."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from peewee import IntegrityError

from .booking import expire_due, find_order
from .db import utcnow, write_tx
from .draws import current_draw
from .errors import Conflict, DuplicateUTR, InvalidInput, NotFound, Overpayment, TicketsTaken
from .fields import ticket_list_text
from .ids import new_internal_payment_id, new_reference, new_session_id, normalise_reference
from .lifecycle import free_tickets, mark_order_paid, order_numbers, reactivate_order, taken_numbers_where
from .models import Draw, Event, Order, Payment, Ticket, record_event
from .money import format_rupees, require_paise
from .states import DrawState, OrderState, PaymentState, TicketState
from .validation import clean_name, parse_mobile, parse_ticket_list, parse_utr

SOURCES = ("manual", "quick", "sms", "webhook", "razorpay", "cash", "cli", "statement")

# Outcomes of matching one payment.
MATCHED = "matched"  # rule 1 or 2: a pending order is now paid
LATE_MATCHED = "late_matched"  # rule 3: an expired order re-held and paid
LATE_TAKEN = "late_taken"  # rule 3: expired order's numbers were taken since → attention
DOUBLE_PAYMENT = "double_payment"  # rule 4: the order was already paid → attention (refund)
AFTER_DRAW = "after_draw"  # rule 3 after the winners were drawn → attention (refund)
OTHER_DRAW = "other_draw"  # the reference names a booking of another draw → attention
AMBIGUOUS = "ambiguous"  # several candidates: organiser decides
CLAIM_MISMATCH = "claim_mismatch"  # rule 0: the claiming order's amount or the reference disagree → attention
UTR_ATTACHED = "utr_attached"  # the UTR of money already settled by a no-UTR payment: attached to it
QUICK_MARKS_AMBIGUOUS = "quick_marks_ambiguous"  # the UTR fits several no-UTR payments → attention
UNMATCHED = "unmatched"  # no candidate


@dataclass(frozen=True)
class MatchResult:
    payment_id: int
    utr: str
    amount_paise: int
    outcome: str
    rule: int | None
    order_reference: str | None = None
    order_session_id: str | None = None
    candidates: tuple[str, ...] = field(default_factory=tuple)
    message: str = ""

    @property
    def confirmed(self) -> bool:
        return self.outcome in (MATCHED, LATE_MATCHED)


def _window(draw: Draw, now: datetime) -> datetime:
    return now - timedelta(minutes=draw.late_window_minutes)


def _flag(payment: Payment, order: Order, reason: str, now: datetime, other: Order | None = None) -> None:
    Payment.update(status=PaymentState.ATTENTION, attention_reason=reason, candidate=order.id).where(
        Payment.id == payment.id
    ).execute()
    extra = {"also": other.reference} if other is not None else {}
    record_event(
        "payment_needs_attention",
        draw=payment.draw_id,
        payment=payment.id,
        order=order.id,
        at=now,
        reason=reason,
        **extra,
    )


def _result(payment, outcome, rule, order=None, candidates=(), message=""):
    return MatchResult(
        payment.id,
        payment.utr,
        payment.amount_paise,
        outcome,
        rule,
        order.reference if order else None,
        order.session_id if order else None,
        tuple(candidates),
        message,
    )


def claimants(utr: str | None, limit: int = 5) -> list[Order]:
    """The bookings, of any draw, whose buyer handed in this UTR: open ones (pending, expired)
    first, newest first within each. At most one is open at a time (shared/claims.py)."""
    if not utr:
        return []
    ids = [
        i
        for (i,) in Order.select(Order.id)
        .where(Order.claimed_utr == utr)
        .order_by(Order.id.desc())
        .limit(limit)
        .tuples()
    ]
    if not ids:  # the usual case: one light query
        return []
    found = Order.select().where(Order.id.in_(ids)).order_by(Order.id.desc())
    return sorted(found, key=lambda o: o.state not in (OrderState.PENDING, OrderState.EXPIRED))


def match_claimed(payment: Payment, now: datetime) -> MatchResult:
    """Matching once more for an unmatched payment whose UTR a buyer has just handed in, inside the
    caller's write transaction (rule 0 now sees the claim)."""
    return _match(payment, Draw.get_by_id(payment.draw_id), now)


def _claim_rule(payment: Payment, draw: Draw, named: Order | None, same_amount, now: datetime) -> MatchResult | None:
    """Rule 0: a payment whose UTR a booking claimed (a booking of another draw: needs attention,
    like a reference to one). It settles that order when the
    amounts agree and no reference names another order (pending; expired within the late window by
    rule 3's re-hold), even when amounts are not unique. Otherwise nothing is confirmed: the
    payment needs attention and the message names both candidates. None: no claim, rules 1–5 decide."""
    if payment.utr_missing:
        return None
    found = claimants(payment.utr)
    if not found:
        return None
    claimant = found[0]
    shown = format_rupees(payment.amount_paise)
    who = f"booking {claimant.reference}, which claimed UTR {payment.utr}"
    if claimant.draw_id != draw.id:  # the buyer of an archived draw's booking: never this draw's money
        _flag(payment, claimant, OTHER_DRAW, now)
        return _result(
            payment,
            OTHER_DRAW,
            0,
            claimant,
            message=f"{shown} was handed in by {who} in draw #{claimant.draw_id}, not this draw: nothing "
            f"was confirmed; refund it or assign it by hand.",
        )
    other = named if named is not None and named.id != claimant.id else None
    if claimant.payable_paise != payment.amount_paise or other is not None:
        if other is None:  # the booking the amount would fit, if exactly one
            fits = list(Order.select().where(same_amount & (Order.id != claimant.id)).limit(2))
            other = fits[0] if len(fits) == 1 else None
        if other is not None:
            why = f"its reference names {other.reference}" if other is named else f"it fits {other.reference}"
            detail = f"{shown} was handed in by {who} ({format_rupees(claimant.payable_paise)}), but {why}"
        else:
            detail = f"{shown} was handed in by {who}, but that booking is {format_rupees(claimant.payable_paise)}"
        _flag(payment, claimant, CLAIM_MISMATCH, now, other)
        candidates = [claimant] + ([other] if other is not None else [])
        return _result(
            payment,
            CLAIM_MISMATCH,
            0,
            claimant,
            candidates=[o.reference for o in candidates],
            message=f"{detail}: nothing was confirmed; assign or refund it by hand.",
        )
    window = _window(draw, now)
    if claimant.state == OrderState.PENDING:
        mark_order_paid(claimant, payment, now)
        return _result(payment, MATCHED, 0, claimant, message=f"{shown} confirmed {who}.")
    if claimant.state == OrderState.EXPIRED and claimant.ended_at is not None and claimant.ended_at > window:
        return _late(payment, draw, claimant, now, 0)
    if claimant.state == OrderState.PAID:
        _flag(payment, claimant, DOUBLE_PAYMENT, now)
        return _result(
            payment,
            DOUBLE_PAYMENT,
            0,
            claimant,
            message=f"{shown} carries the UTR {who}, which is already paid: a possible double payment to refund.",
        )
    return _leave(  # cancelled, or expired beyond the late window: the organiser decides
        payment,
        UNMATCHED,
        0,
        [claimant],
        now,
        f"{shown} carries the UTR {who}, which is {claimant.state}; assign or refund it by hand.",
    )


def _named_booking(payment: Payment, latest: datetime) -> Order | None:
    """The booking the payment's reference names, in any draw (None for one made after `latest`,
    when the money was recorded or, for a statement's row, arrived)."""
    reference = normalise_reference(payment.reference)
    named = Order.get_or_none(Order.reference == reference) if reference else None
    return named if named is not None and named.created_at <= latest else None


def _match(payment: Payment, draw: Draw, now: datetime, booked_before: datetime | None = None) -> MatchResult:
    amount = payment.amount_paise
    shown = format_rupees(amount)
    # A booking made after the payment was recorded (or, for a bank statement's row, after the
    # money arrived) cannot be what the payment was for.
    latest = min(payment.recorded_at, booked_before) if booked_before else payment.recorded_at
    known = (Order.draw == draw.id) & (Order.created_at <= latest)
    same_amount = known & (Order.payable_paise == amount)
    # The reference is looked up across every draw: money for a booking of an archived draw is
    # never this draw's, whatever its amount.
    named = _named_booking(payment, latest)
    if named is not None and named.draw_id != draw.id:
        _flag(payment, named, OTHER_DRAW, now)
        return _result(
            payment,
            OTHER_DRAW,
            None,
            named,
            message=f"{shown} names booking {named.reference} of draw #{named.draw_id}, not of this draw: "
            f"nothing was confirmed; refund it or assign it by hand.",
        )
    # 0. The buyer's claimed UTR.
    claimed = _claim_rule(payment, draw, named, same_amount, now)
    if claimed is not None:
        return claimed
    # 1. A reference that names a pending order with the same payable amount.
    if named is not None and named.state == OrderState.PENDING and named.payable_paise == amount:
        mark_order_paid(named, payment, now)
        return _result(payment, MATCHED, 1, named, message=confirmed_text(amount, named.reference, 1))
    # Rules 2–4 go by the amount alone, so only when exactly one booking that could still receive
    # this amount has it: pending, or ended within the late-payment window (cash sales never do).
    # Two share an amount only when all 100 offsets were in use; then the reference or the
    # organiser decides.
    window = _window(draw, now)
    in_play = sorted(
        Order.select()
        .where(  # no ORDER BY: it would steer SQLite off the amount index
            same_amount
            & Order.state.in_((OrderState.PENDING, OrderState.EXPIRED, OrderState.PAID, OrderState.CANCELLED))
            & (Order.source != "cash")
            & ((Order.state == OrderState.PENDING) | (Order.ended_at > window))
        )
        .limit(5),
        key=lambda o: o.id,
    )
    if len(in_play) > 1:
        return _leave(
            payment, AMBIGUOUS, None, in_play, now, f"{shown} fits {len(in_play)} bookings; assign it by hand."
        )
    order = in_play[0] if in_play else None
    if order is not None and named is not None and named.id != order.id:
        return _leave(
            payment,
            AMBIGUOUS,
            None,
            [named, order],
            now,
            f"{shown} fits booking {order.reference}, but its reference names {named.reference}; assign it by hand.",
        )
    # 2. The one pending order with exactly that payable amount.
    if order is not None and order.state == OrderState.PENDING:
        mark_order_paid(order, payment, now)
        return _result(payment, MATCHED, 2, order, message=confirmed_text(amount, order.reference, 2))
    # 3. The one order that expired within the late-payment window.
    if order is not None and order.state == OrderState.EXPIRED:
        return _late(payment, draw, order, now, 3)
    # 4. The one order paid within the window: a possible double payment.
    if order is not None and order.state == OrderState.PAID:
        _flag(payment, order, DOUBLE_PAYMENT, now)
        return _result(
            payment,
            DOUBLE_PAYMENT,
            4,
            order,
            message=f"{shown} matches booking {order.reference}, which is already paid: a possible "
            f"double payment to refund.",
        )
    if order is not None:  # cancelled within the window: the organiser decides
        return _leave(
            payment,
            UNMATCHED,
            None,
            [order],
            now,
            f"{shown} fits booking {order.reference}, which was cancelled; assign or refund it by hand.",
        )
    if named is not None:
        return _leave(
            payment,
            UNMATCHED,
            None,
            [named],
            now,
            f"{shown} matches no booking; its reference names {named.reference} "
            f"({format_rupees(named.payable_paise)}, {named.state}): assign or refund it by hand.",
        )
    # 5. Nothing: unmatched, for the organiser.
    return _leave(payment, UNMATCHED, None, [], now, no_booking_text(amount))


def _late(payment: Payment, draw: Draw, order: Order, now: datetime, rule: int) -> MatchResult:
    """Rule 3 (and rule 0 for an expired claimant): a late payer keeps their numbers if all are
    still free and the winners are not drawn yet; otherwise the payment needs attention."""
    shown = format_rupees(payment.amount_paise)
    if draw.state not in (DrawState.OPEN, DrawState.CLOSED):  # winners drawn: its numbers were not in the draw
        _flag(payment, order, AFTER_DRAW, now)
        return _result(
            payment,
            AFTER_DRAW,
            rule,
            order,
            message=f"{shown} is a late payment for expired booking {order.reference}, but the "
            f"winners are already drawn: refund it.",
        )
    if reactivate_order(order, now):
        mark_order_paid(order, payment, now, late=True)
        return _result(
            payment,
            LATE_MATCHED,
            rule,
            order,
            message=f"{shown} arrived after booking {order.reference} expired; its numbers were "
            f"still free, so it is confirmed.",
        )
    _flag(payment, order, LATE_TAKEN, now)
    return _result(
        payment,
        LATE_TAKEN,
        rule,
        order,
        message=f"{shown} is a late payment for expired booking {order.reference}, but some of its "
        f"numbers were taken since: refund or reassign it.",
    )


def _leave(payment, outcome, rule, candidates, now, message) -> MatchResult:
    record_event(
        "payment_unmatched",
        draw=payment.draw_id,
        payment=payment.id,
        at=now,
        outcome=outcome,
        candidates=[o.reference for o in candidates],
    )
    return _result(payment, outcome, rule, candidates=[o.reference for o in candidates], message=message)


def checked_values(amount_paise, utr, payer, source: str, quick: bool) -> tuple[int, str | None, str | None]:
    """What record_payment checks before it touches anything: (paise, UTR or None, payer or None).
    InvalidInput for a bad amount, source, UTR or payer name."""
    amount_paise = require_paise(amount_paise)
    if source not in SOURCES:
        raise InvalidInput(f"Unknown payment source '{source}'.")
    if utr in (None, "") and not quick:
        raise InvalidInput("A UTR (12 digits) is needed; use quick mark if you only saw the amount.")
    utr_value = parse_utr(utr) if utr not in (None, "") else None
    return amount_paise, utr_value, clean_name(payer, "Payer") if payer else None


def confirmed_text(amount_paise: int, reference: str, rule: int) -> str:
    """What rules 1 and 2 say when they confirm a booking."""
    how = " by its reference" if rule == 1 else ""
    return f"{format_rupees(amount_paise)} confirmed booking {reference}{how}."


def no_booking_text(amount_paise: int) -> str:
    """What rule 5 says: no booking fits."""
    return f"{format_rupees(amount_paise)} matches no booking; it is kept as UNMATCHED."


def record_payment(
    amount_paise: int,
    utr=None,
    *,
    reference=None,
    payer=None,
    payer_vpa=None,
    source="manual",
    received_at=None,
    now=None,
    quick=False,
    booked_before=None,
    note=None,
    attach_utr=True,
    draw: Draw | None = None,
    swept: bool = False,
) -> MatchResult:
    """Keep a payment and match it. Without a UTR only when `quick` (or a cash/quick source):
    it then gets an internal id, flagged `utr_missing`. A UTR seen before raises DuplicateUTR and
    changes nothing. `amount_paise` is integer paise (rupees text is parsed at the edge).
    `booked_before`: only bookings made up to then can be matched (a statement row's money arrived then);
    `note`: where the payment came from, in words (a statement's row and narration).

    A payment with a UTR whose amount equals a no-UTR payment (quick mark, a Razorpay payment
    without UTR) that settled a booking within the late-payment window is that same money seen
    again: with `attach_utr` the UTR is attached to it (journalled; no second payment) — see
    `settled_without_utr` to ask first. Several such payments: needs attention, never a guess.

    A caller that records many in one write transaction (a statement's chunk) may pass the current
    `draw` it read in that transaction and `swept=True` once it has expired the holds due at `now`."""
    amount_paise, utr_value, payer = checked_values(amount_paise, utr, payer, source, quick)
    now = now or utcnow()
    try:
        with write_tx():
            if utr_value and Payment.select().where(Payment.utr == utr_value).exists():
                raise duplicate_utr(utr_value)
            draw = draw or current_draw()
            if not swept:
                expire_due(now)
            earlier = _seen_before(draw, amount_paise, utr_value, reference, now) if attach_utr else []
            if len(earlier) == 1 and utr_value is not None:
                return _attach_utr(earlier[0], utr_value, payer, typed_text(payer_vpa, 260), source, now)
            payment = Payment.create(
                draw=draw.id,
                amount_paise=amount_paise,
                utr=utr_value or new_internal_payment_id(),
                utr_missing=utr_value is None,
                reference=typed_text(reference, 40),
                payer=payer,
                payer_vpa=typed_text(payer_vpa, 260),
                source=source if not (quick and source == "manual") else "quick",
                received_at=received_at or now,
                recorded_at=now,
                status=PaymentState.UNMATCHED,
                note=typed_text(note, 1000),
            )
            record_event(
                "payment_recorded",
                draw=draw,
                payment=payment,
                at=now,
                amount_paise=amount_paise,
                utr=payment.utr,
                source=payment.source,
            )
            if earlier:
                return _several_seen_before(payment, earlier, now)
            return _match(payment, draw, now, booked_before)
    except IntegrityError:
        if utr_value:
            raise duplicate_utr(utr_value) from None
        raise


@dataclass(frozen=True)
class SettledWithoutUTR:
    """A no-UTR payment that settled a booking: what the console shows before attaching a UTR."""

    payment_id: int
    internal_id: str
    amount_paise: int
    received_at: datetime
    order_reference: str


def settled_without_utr(amount_paise: int, utr=None, *, reference=None, now=None) -> list[SettledWithoutUTR]:
    """The no-UTR payments of the current draw that a payment of `amount_paise` with a UTR would
    be the same money as (record_payment attaches the UTR when there is exactly one)."""
    now = now or utcnow()
    draw = current_draw()
    utr_value = parse_utr(utr) if utr not in (None, "") else ""  # "": a UTR not yet known
    return [
        SettledWithoutUTR(p.id, p.utr, p.amount_paise, p.received_at, p.order.reference)
        for p in _seen_before(draw, require_paise(amount_paise), utr_value, reference, now)
    ]


def _seen_before(draw: Draw, amount: int, utr: str | None, reference, now: datetime) -> list[Payment]:
    """No-UTR payments (not cash) of `amount` that settled a booking of `draw` within the window;
    none when the payment has no UTR (`utr` None; "" for one not yet typed), when its reference
    names another booking, or when a buyer who handed in the UTR has another booking."""
    if utr is None:
        return []
    ids = [
        i
        for (i,) in Payment.select(Payment.id)
        .where(
            (Payment.draw == draw.id)
            & (Payment.amount_paise == amount)
            & (Payment.utr_missing == True)  # noqa: E712
            & (Payment.source != "cash")
            & (Payment.status == PaymentState.MATCHED)
            & (Payment.recorded_at > _window(draw, now))
        )
        .order_by(Payment.id)
        .limit(5)
        .tuples()
    ]
    if not ids:  # the usual case: one light query
        return []
    found = list(Payment.select().where(Payment.id.in_(ids)).order_by(Payment.id))
    named = normalise_reference(reference) if reference else None
    if named:
        found = [p for p in found if p.order.reference == named]
    claimed_by = {o.id for o in claimants(utr)} if found else set()
    if claimed_by:  # a buyer handed in this UTR: it is that booking's money (rule 0), not another's
        found = [p for p in found if p.order_id in claimed_by]
    return found


def _attach_utr(payment: Payment, utr: str, payer, payer_vpa, source: str, now: datetime) -> MatchResult:
    """The second sighting of money already settled without a UTR: the payment gets the UTR (and
    the payer, if it had none); the sighting is journalled with the internal id it replaces."""
    Payment.update(
        utr=utr, utr_missing=False, payer=payment.payer or payer, payer_vpa=payment.payer_vpa or payer_vpa
    ).where(Payment.id == payment.id).execute()
    order = payment.order
    record_event(
        "payment_utr_attached",
        draw=payment.draw_id,
        payment=payment.id,
        order=order.id,
        at=now,
        utr=utr,
        internal_id=payment.utr,
        source=source,
        payer=payer,
        amount_paise=payment.amount_paise,
    )
    shown = format_rupees(payment.amount_paise)
    return MatchResult(
        payment.id,
        utr,
        payment.amount_paise,
        UTR_ATTACHED,
        None,
        order.reference,
        order.session_id,
        message=f"{shown} with UTR {utr} is the payment recorded without a UTR ({payment.utr}) at "
        f"{payment.received_at:%d %b %H:%M} UTC that confirmed booking {order.reference}: the UTR was attached to it; "
        f"nothing new was confirmed.",
    )


def _several_seen_before(payment: Payment, earlier: list[Payment], now: datetime) -> MatchResult:
    references = [p.order.reference for p in earlier]
    Payment.update(status=PaymentState.ATTENTION, attention_reason=QUICK_MARKS_AMBIGUOUS).where(
        Payment.id == payment.id
    ).execute()
    record_event(
        "payment_needs_attention",
        draw=payment.draw_id,
        payment=payment.id,
        at=now,
        reason=QUICK_MARKS_AMBIGUOUS,
        candidates=references,
    )
    return _result(
        payment,
        QUICK_MARKS_AMBIGUOUS,
        None,
        candidates=references,
        message=f"{format_rupees(payment.amount_paise)} with UTR {payment.utr} fits {len(earlier)} payments "
        f"recorded without a UTR ({', '.join(references)}): it is kept as NEEDS ATTENTION; "
        f"assign or refund it by hand.",
    )


def typed_text(value, limit: int) -> str | None:
    """A reference or VPA as typed or forwarded: printable characters only, trimmed, bounded."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value) if ch.isprintable()).strip()[:limit]
    return text or None


def duplicate_utr(utr: str) -> DuplicateUTR:
    existing = Payment.get_or_none(Payment.utr == utr)
    where = ""
    if existing is not None:
        where = f" on {existing.recorded_at:%d %b %H:%M} UTC for {format_rupees(existing.amount_paise)}"
    return DuplicateUTR(f"UTR {utr} was already recorded{where}; nothing was changed.")


def find_payment(key) -> Payment:
    """A payment by UTR, internal id (NOUTR-…) or numeric id."""
    key = str(key or "").strip()
    if key.replace(" ", "").isdigit() and len(key.replace(" ", "")) == 12:
        key = key.replace(" ", "")
    payment = Payment.get_or_none(
        Payment.utr == key.upper() if key.upper().startswith("NOUTR-") else Payment.utr == key
    )
    if payment is None and key.isdigit() and len(key) < 12:
        payment = Payment.get_or_none(Payment.id == int(key))
    if payment is None and key.upper().startswith("NOUTR-"):
        payment = _payment_whose_utr_replaced(key.upper())
    if payment is None:
        raise NotFound(f"No payment with UTR or id '{key[:30]}'.")
    return payment


def _payment_whose_utr_replaced(internal_id: str) -> Payment | None:
    """The payment that had `internal_id` until its UTR was attached (the journal keeps the old id),
    so the id the organiser noted down still names it."""
    attached = Event.select(Event.payment, Event.detail).where(
        (Event.kind == "payment_utr_attached") & Event.detail.contains(internal_id)
    )
    for event in attached:
        if json.loads(event.detail).get("internal_id") == internal_id:
            return Payment.get_or_none(Payment.id == event.payment_id)
    return None


def check_payments(now=None) -> list[MatchResult]:
    """Run matching again over every unmatched payment of the current draw (each in its own transaction)."""
    now = now or utcnow()
    draw = current_draw()
    results = []
    for (payment_id,) in (
        Payment.select(Payment.id)
        .where((Payment.draw == draw.id) & (Payment.status == PaymentState.UNMATCHED))
        .order_by(Payment.id)
        .tuples()
    ):
        with write_tx():
            expire_due(now)
            payment = Payment.get_by_id(payment_id)
            if payment.status == PaymentState.UNMATCHED:
                results.append(_match(payment, draw, now))
    return results


def assign_payment(payment_key, order_key, *, force=False, accept_overpayment=False, now=None) -> MatchResult:
    """The organiser's hand: link an unmatched (or needs-attention) payment to a booking.

    A pending booking is confirmed; an expired or cancelled one only if all its numbers are still
    free. A paid booking is refused. A payment smaller than the payable amount needs `force`; a
    larger one `accept_overpayment` (Overpayment otherwise)."""
    now = now or utcnow()
    with write_tx():
        expire_due(now)
        payment = find_payment(payment_key)
        order = find_order(order_key)
        if payment.status == PaymentState.MATCHED:
            raise Conflict(f"Payment {payment.utr} already settled a booking; it cannot be assigned again.")
        if payment.status == PaymentState.REFUNDED:
            raise Conflict(f"Payment {payment.utr} was refunded; it cannot be assigned.")
        if order.state == OrderState.PAID:
            raise Conflict(f"Booking {order.reference} is already paid.")
        if order.draw_id != payment.draw_id:
            raise Conflict(
                f"Booking {order.reference} belongs to another draw than payment {payment.utr}; "
                f"refund the payment instead."
            )
        if payment.amount_paise < order.payable_paise and not force:
            raise Conflict(
                f"Payment {format_rupees(payment.amount_paise)} is less than booking {order.reference}'s "
                f"{format_rupees(order.payable_paise)}; use force to confirm it anyway."
            )
        over = payment.amount_paise - order.payable_paise
        if over > 0 and not accept_overpayment:
            raise Overpayment(
                f"Payment {format_rupees(payment.amount_paise)} is more than booking {order.reference}'s "
                f"{format_rupees(order.payable_paise)} ({format_rupees(over)} over); accept the overpayment "
                f"to confirm it anyway."
            )
        late = order.state in (OrderState.EXPIRED, OrderState.CANCELLED)
        if late and Draw.get_by_id(order.draw_id).state not in (DrawState.OPEN, DrawState.CLOSED):
            raise Conflict(
                f"The winners are already drawn, so booking {order.reference} cannot be confirmed "
                f"now; refund the payment instead."
            )
        if late and not reactivate_order(order, now):
            taken = [
                t.number
                for t in Ticket.select(Ticket.number).where(taken_numbers_where(order.draw_id, order_numbers(order)))
            ]
            raise TicketsTaken(taken, Draw.get_by_id(order.draw_id).width)
        mark_order_paid(order, payment, now, late=late)
        record_event(
            "payment_assigned",
            draw=order.draw_id,
            payment=payment.id,
            order=order.id,
            at=now,
            forced=force,
            overpaid_paise=max(over, 0),
        )
        return _result(
            payment,
            MATCHED,
            None,
            order,
            message=f"{format_rupees(payment.amount_paise)} assigned to booking {order.reference}.",
        )


def refund_payment(payment_key, *, note=None, now=None) -> Payment:
    """Mark an unmatched or needs-attention payment as refunded (the money went back to the payer)."""
    now = now or utcnow()
    with write_tx():
        payment = find_payment(payment_key)
        if payment.status not in (PaymentState.UNMATCHED, "attention"):
            raise Conflict(
                f"Only unmatched or needs-attention payments can be refunded; {payment.utr} is {payment.status}."
            )
        Payment.update(status=PaymentState.REFUNDED, note=note).where(Payment.id == payment.id).execute()
        record_event("payment_refunded", draw=payment.draw_id, payment=payment.id, at=now, note=note)
    return Payment.get_by_id(payment.id)


def sell_cash(name, mobile, tickets, *, now=None) -> MatchResult:
    """A cash sale: the organiser books numbers for someone who paid in hand. A paid order with a
    cash payment (no UTR), all in one transaction."""
    name = clean_name(name)
    mobile = parse_mobile(mobile)
    now = now or utcnow()
    with write_tx():
        draw = current_draw()
        if draw.state not in (DrawState.OPEN, DrawState.CLOSED):
            raise Conflict("This draw is finished; no more sales.")
        numbers = parse_ticket_list(tickets, draw.ticket_count, draw.ticket_count)
        expire_due(now)
        taken = [t.number for t in Ticket.select(Ticket.number).where(taken_numbers_where(draw.id, numbers))]
        if taken:
            raise TicketsTaken(taken, draw.width)
        base = draw.price_paise * len(numbers)
        order = Order.create(
            draw=draw.id,
            session_id=new_session_id(),
            reference=new_reference(),
            name=name,
            mobile=mobile,
            tickets=ticket_list_text(numbers),
            ticket_count=len(numbers),
            base_paise=base,
            payable_paise=base,
            amount_unique=False,
            amount_lock=None,
            state=OrderState.PENDING,
            source="cash",
            created_at=now,
            expires_at=now,
        )
        Ticket.update(state=TicketState.HELD, order=order.id).where(free_tickets(draw.id, numbers)).execute()
        record_event(
            "order_created", draw=draw, order=order, at=now, tickets=numbers, payable_paise=base, source="cash"
        )
        payment = Payment.create(
            draw=draw.id,
            amount_paise=base,
            utr=new_internal_payment_id(),
            utr_missing=True,
            reference=order.reference,
            payer=name,
            source="cash",
            received_at=now,
            recorded_at=now,
            status=PaymentState.UNMATCHED,
        )
        record_event("payment_recorded", draw=draw, payment=payment, at=now, amount_paise=base, source="cash")
        mark_order_paid(order, payment, now)
        return _result(
            payment,
            MATCHED,
            None,
            order,
            message=f"Cash sale: {len(numbers)} tickets for {name}, booking {order.reference}.",
        )
