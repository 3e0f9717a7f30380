"""The buyer's UTR claim (SPEC §2): after paying, a buyer hands in the 12-digit UTR their UPI app
shows. It is kept on the booking as a claim, never a confirmation: only a key for matching rule 0
(shared/payments.py). One open booking (pending or expired) can claim a UTR at a time, and never a
booking other than the one the UTR was recorded for; a claim can change while the booking is open.
A claim for money already recorded that found no booking runs matching on it again at once."""

from dataclasses import dataclass
from datetime import datetime

from peewee import IntegrityError

from .db import utcnow, write_tx
from .errors import Conflict, NotFound
from .models import Draw, Order, Payment, record_event
from .payments import claimants, match_claimed
from .states import DrawState, OrderState, PaymentState
from .validation import SESSION_RE, parse_utr

CLAIMABLE = (OrderState.PENDING, OrderState.EXPIRED)


@dataclass(frozen=True)
class Claim:
    session_id: str
    reference: str
    state: OrderState
    claimed_utr: str
    claimed_at: datetime
    changed: bool  # False when the same UTR was handed in again


class ClaimRefused(Conflict):
    """The booking cannot take this UTR; `reason` says why in one word for the API."""

    def __init__(self, message: str, reason: str):
        super().__init__(message, reason=reason)
        self.reason = reason


def claim_utr(session_id: str, utr, *, now: datetime | None = None) -> Claim:
    """Keep `utr` as the claim of the booking with this session id. InvalidInput for a malformed
    UTR, NotFound for an unknown session, ClaimRefused (409) for a paid or cancelled booking or a
    UTR recorded for another booking or claimed by another open booking. Nothing changes when refused."""
    utr = parse_utr(utr)
    if not SESSION_RE.match(str(session_id or "")):
        raise NotFound("No booking with that id.")
    now = now or utcnow()
    try:
        with write_tx():
            order = Order.get_or_none(Order.session_id == session_id)
            if order is None:
                raise NotFound("No booking with that id.")
            if order.state == OrderState.PAID:
                raise ClaimRefused(f"Booking {order.reference} is already paid; there is nothing more to do.", "paid")
            if order.state == OrderState.CANCELLED:
                raise ClaimRefused(
                    f"Booking {order.reference} was cancelled; if you paid for it, the organiser will sort it out.",
                    "cancelled",
                )
            draw_state = Draw.select(Draw.state).where(Draw.id == order.__data__["draw"]).scalar()
            if draw_state == DrawState.ARCHIVED:
                raise ClaimRefused(
                    f"The draw of booking {order.reference} is over; if you paid for it, the organiser "
                    f"will sort it out.",
                    "archived",
                )
            if order.claimed_utr == utr:
                return Claim(
                    order.session_id, order.reference, OrderState(order.state), utr, order.claimed_at or now, False
                )
            recorded = Payment.get_or_none(Payment.utr == utr)
            if recorded is not None and not _may_claim(recorded, order):
                raise ClaimRefused(
                    f"UPI reference {utr} is already recorded as a payment, so it cannot be handed in for "
                    f"booking {order.reference}. Check the 12 digits; if they are right, the organiser "
                    f"will sort it out.",
                    "recorded",
                )
            if (
                Order.select()
                .where((Order.claimed_utr == utr) & Order.state.in_(CLAIMABLE) & (Order.id != order.id))
                .exists()
            ):
                raise ClaimRefused(
                    f"UPI reference {utr} was already handed in for another booking. Check the 12 digits.",
                    "claimed",
                )
            previous = order.claimed_utr
            Order.update(claimed_utr=utr, claimed_at=now).where(Order.id == order.id).execute()
            draw_id = order.__data__["draw"]  # the column's value, without loading the draw
            record_event("order_utr_claimed", draw=draw_id, order=order.id, at=now, utr=utr, previous=previous)
            state = OrderState(order.state)
            if recorded is not None and recorded.status == PaymentState.UNMATCHED:
                # the money came first and found no booking: the claim names it now (rule 0)
                match_claimed(recorded, now)
                state = OrderState(Order.select(Order.state).where(Order.id == order.id).scalar())
            return Claim(order.session_id, order.reference, state, utr, now, True)
    except IntegrityError:  # the partial unique index: another open booking claimed it meanwhile
        raise ClaimRefused(
            f"UPI reference {utr} was already handed in for another booking. Check the 12 digits.", "claimed"
        ) from None


def _may_claim(payment: Payment, order: Order) -> bool:
    """Whether `order` may hand in the UTR of this recorded payment: one that settled no booking
    yet (unmatched, or needing attention about this very booking), of the booking's own draw, and
    recorded after the booking was made (money recorded earlier cannot have been for it)."""
    if payment.draw_id != order.draw_id or payment.recorded_at < order.created_at:
        return False
    if payment.status == PaymentState.UNMATCHED:
        return True
    return payment.status == PaymentState.ATTENTION and payment.candidate_id == order.id


def claimant_of(utr: str | None) -> tuple[str, str] | None:
    """(reference, buyer name) of the open booking that claimed this UTR; None if none.
    What the organiser sees before recording a payment with that UTR."""
    open_claims = [o for o in claimants(utr) if o.state in CLAIMABLE]
    return (open_claims[0].reference, open_claims[0].name) if open_claims else None
