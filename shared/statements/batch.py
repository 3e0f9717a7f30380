"""Recording a chunk of a statement's credits, fast: the common cases of the matching rules
(SPEC §2) decided on what the chunk reads once, and written in plain SQL; every other case by
`record_payment` itself.

A statement brings thousands of credits in one go, and building the ORM's queries for each one
cost more than running them (about a dozen statements a row). Inside the chunk's write
transaction nothing else writes, so what was read at its start stays true, except for what the
chunk itself changes, which is kept up to date here.

Decided here, exactly as `shared.payments` decides them:
- rule 1: the reference names a pending booking of this draw with the same payable amount;
- rule 2: the one booking that could still take this amount is pending (and no reference names
  another one);
- rule 5: nothing fits (no booking named, none of the amount in play).
Anything else goes to `record_payment`, which decides it as for any other source: a UTR a buyer
handed in (rule 0), a reference to another draw's booking, several candidates, a late payment,
a double payment, a booking already settled without a UTR (the UTR is attached), a booking that
lost its reserved amount. Afterwards what was read for that amount is read again.

tests/statements/test_statement_batch.py imports the same statements both ways and compares every
row of every table.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..db import is_sqlite
from ..errors import DuplicateUTR
from ..hold_sql import run_sql
from ..ids import new_internal_payment_id, normalise_reference
from ..models import Order
from ..payments import (
    MATCHED,
    UNMATCHED,
    MatchResult,
    checked_values,
    confirmed_text,
    duplicate_utr,
    no_booking_text,
    record_payment,
    typed_text,
)
from ..states import OrderState, PaymentState
from .rows import CREDIT

IN_PLAY = (OrderState.PENDING, OrderState.EXPIRED, OrderState.PAID, OrderState.CANCELLED)
ORDER_COLUMNS = (
    "id",
    "draw_id",
    "reference",
    "session_id",
    "state",
    "payable_paise",
    "amount_unique",
    "amount_lock",
    "source",
    "created_at",
    "ended_at",
)
_when = Order.created_at.python_value  # SQLite gives text, PostgreSQL a datetime: both → datetime
PART = 400  # keys per IN (…) list


@dataclass
class _Booking:
    id: int
    draw_id: int
    reference: str
    session_id: str
    state: str
    payable_paise: int
    amount_unique: bool
    amount_lock: int | None
    source: str
    created_at: datetime
    ended_at: datetime | None


def _booking(row) -> _Booking:
    values = dict(zip(ORDER_COLUMNS, row, strict=True))
    values["created_at"] = _when(values["created_at"])
    values["ended_at"] = _when(values["ended_at"])
    values["amount_unique"] = bool(values["amount_unique"])
    return _Booking(**values)


def _parts(keys):
    keys = sorted(keys)
    for i in range(0, len(keys), PART):
        yield keys[i : i + PART]


class ChunkRecorder:
    """Records the credits of one chunk, inside its write transaction (after the holds due were
    expired at `now`)."""

    def __init__(self, draw, now: datetime, rows):
        self.draw = draw
        self.now = now
        self.window = now - timedelta(minutes=draw.late_window_minutes)
        credits = [row for row in rows if row.kind == CREDIT]
        utrs = {row.utr for row in credits if row.utr}
        self.on_record: set[str] = set()  # the chunk's UTRs some payment has by now
        self.claimed: set[str] = set()  # the chunk's UTRs a buyer handed in, in any draw
        for part in _parts(utrs):
            marks = ", ".join("?" * len(part))
            self.on_record.update(u for (u,) in run_sql(f"SELECT utr FROM payment WHERE utr IN ({marks})", part))
            self.claimed.update(
                u for (u,) in run_sql(f"SELECT claimed_utr FROM booking WHERE claimed_utr IN ({marks})", part)
            )
        self.bookings: dict[int, _Booking] = {}
        self.named: dict[str, int] = {}  # reference -> booking id, in any draw
        references = {normalise_reference(typed_text(row.order_reference, 40)) for row in credits}
        for part in _parts(references - {None}):
            for row in run_sql(
                f"SELECT {', '.join(ORDER_COLUMNS)} FROM booking WHERE reference IN ({', '.join('?' * len(part))})",
                part,
            ):
                booking = self._keep(_booking(row))
                self.named[booking.reference] = booking.id
        self.in_play: dict[int, list[int]] = {}  # amount -> bookings of this draw that could take it
        self.seen_without_utr: set[int] = set()  # amounts of no-UTR payments that settled a booking
        self._read_amounts({row.amount_paise for row in credits})

    def _keep(self, booking: _Booking) -> _Booking:
        kept = self.bookings.setdefault(booking.id, booking)
        kept.__dict__.update(booking.__dict__)
        return kept

    def _read_amounts(self, amounts) -> None:
        """What rules 2–5 and the no-UTR sightings look at, for these amounts (as `_match` and
        `_seen_before` select them)."""
        for part in _parts(amounts):
            marks = ", ".join("?" * len(part))
            for amount in part:
                self.in_play[amount] = []
                self.seen_without_utr.discard(amount)
            for row in run_sql(
                f"SELECT {', '.join(ORDER_COLUMNS)} FROM booking WHERE draw_id = ? AND payable_paise IN ({marks}) "
                "AND state IN (?, ?, ?, ?) AND source <> 'cash' AND (state = ? OR ended_at > ?) ORDER BY id",
                (self.draw.id, *part, *IN_PLAY, OrderState.PENDING, self.window),
            ):
                booking = self._keep(_booking(row))
                self.in_play[booking.payable_paise].append(booking.id)
            self.seen_without_utr.update(
                a
                for (a,) in run_sql(
                    f"SELECT DISTINCT amount_paise FROM payment WHERE draw_id = ? AND amount_paise IN ({marks}) "
                    "AND utr_missing = ? AND source <> 'cash' AND status = ? AND recorded_at > ?",
                    (self.draw.id, *part, True, PaymentState.MATCHED, self.window),
                )
            )

    # One credit --------------------------------------------------------------------------------

    def record(self, row, *, booked_before: datetime, note: str) -> MatchResult:
        """The payment of one credit row, recorded and matched (as record_payment would).
        DuplicateUTR when its UTR is on record by now."""
        amount, utr, payer = checked_values(row.amount_paise, row.utr, row.payer, "statement", row.utr is None)
        if utr is not None and utr in self.on_record:
            raise duplicate_utr(utr)
        reference = typed_text(row.order_reference, 40)
        target, rule = self._decide(amount, utr, reference, min(self.now, booked_before))
        if rule is None:
            return self._hand_over(row, amount, booked_before, note)
        payment_utr = utr or new_internal_payment_id()
        after = [self._event("payment_recorded", None, amount_paise=amount, utr=payment_utr, source="statement")]
        if target is None:
            after.append(self._event("payment_unmatched", None, outcome=UNMATCHED, candidates=[]))
        else:
            after += self._mark_paid(target, payment_utr)
        payment_id = self._write(
            self._payment(row, amount, payment_utr, utr is None, payer, reference, note, target), after
        )
        self.on_record.add(payment_utr)
        if target is None:
            return MatchResult(payment_id, payment_utr, amount, UNMATCHED, None, message=no_booking_text(amount))
        if utr is None:  # money settled without a UTR: a later credit with one may be its sighting
            self.seen_without_utr.add(amount)
        return MatchResult(
            payment_id,
            payment_utr,
            amount,
            MATCHED,
            rule,
            target.reference,
            target.session_id,
            message=confirmed_text(amount, target.reference, rule),
        )

    def _hand_over(self, row, amount: int, booked_before: datetime, note: str) -> MatchResult:
        """record_payment decides; then what it may have changed (bookings and no-UTR payments of
        this amount) is read again."""
        try:
            match = record_payment(
                row.amount_paise,
                row.utr,
                reference=row.order_reference,
                payer=row.payer,
                payer_vpa=row.payer_vpa,
                source="statement",
                received_at=row.dated.at,
                now=self.now,
                quick=row.utr is None,
                booked_before=booked_before,
                note=note,
                draw=self.draw,
                swept=True,
            )
        except DuplicateUTR:
            self.on_record.add(row.utr)
            raise
        self.on_record.add(match.utr)
        self._read_amounts([amount])
        for booking in list(self.bookings.values()):  # a booking named in the chunk may have changed too
            if booking.payable_paise == amount and booking.draw_id == self.draw.id:
                self._reread(booking.id)
        return match

    def _decide(self, amount: int, utr, reference, latest: datetime) -> tuple[_Booking | None, int | None]:
        """(booking, rule) for the cases decided here: rule 1 or 2 with the booking they confirm,
        (None, 5) for no booking; (None, None) for record_payment to decide."""
        hand_over = None, None
        if utr is not None and (amount in self.seen_without_utr or utr in self.claimed):
            return hand_over
        named_id = self.named.get(normalise_reference(reference) or "")
        named = self.bookings[named_id] if named_id is not None else None
        if named is not None and named.created_at > latest:
            named = None
        if named is not None and named.draw_id != self.draw.id:
            return hand_over
        if named is not None and named.state == OrderState.PENDING and named.payable_paise == amount:
            return (named, 1) if self._keeps_amount(named) else hand_over
        fits = [
            b
            for b in (self.bookings[i] for i in self.in_play.get(amount, ()))
            if b.created_at <= latest
            and b.state in IN_PLAY
            and (b.state == OrderState.PENDING or (b.ended_at is not None and b.ended_at > self.window))
        ]
        if len(fits) > 1 or (fits and named is not None and named.id != fits[0].id):
            return hand_over
        if fits:
            if fits[0].state == OrderState.PENDING and self._keeps_amount(fits[0]):
                return fits[0], 2
            return hand_over
        return (None, 5) if named is None else hand_over

    @staticmethod
    def _keeps_amount(booking: _Booking) -> bool:
        """Whether it still holds its reserved amount (else mark_order_paid sorts that out)."""
        return booking.amount_lock is not None or not booking.amount_unique

    def _reread(self, booking_id: int) -> None:
        row = run_sql(f"SELECT {', '.join(ORDER_COLUMNS)} FROM booking WHERE id = ?", (booking_id,)).fetchone()
        self._keep(_booking(row))

    # Writing -------------------------------------------------------------------------------------

    def _payment(self, row, amount, payment_utr, utr_missing, payer, reference, note, target) -> tuple[str, tuple]:
        values = (
            self.draw.id,
            amount,
            payment_utr,
            utr_missing,
            reference,
            payer,
            typed_text(row.payer_vpa, 260),
            "statement",
            row.dated.at or self.now,
            self.now,
            PaymentState.MATCHED if target is not None else PaymentState.UNMATCHED,
            target.id if target is not None else None,
            typed_text(note, 1000),
        )
        return (
            "INSERT INTO payment (draw_id, amount_paise, utr, utr_missing, reference, payer, payer_vpa, source, "
            "received_at, recorded_at, status, order_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )

    def _mark_paid(self, booking: _Booking, payment_utr: str) -> list[tuple[str, tuple]]:
        """mark_order_paid for a booking that holds its amount: the booking paid, its tickets sold."""
        lock_until = self.now + timedelta(minutes=self.draw.late_window_minutes)
        booking.state = OrderState.PAID
        booking.ended_at = self.now
        return [
            (
                "UPDATE booking SET state = ?, paid_at = ?, ended_at = ?, amount_lock = ?, amount_lock_until = ? "
                "WHERE id = ?",
                (OrderState.PAID, self.now, self.now, booking.amount_lock, lock_until, booking.id),
            ),
            ("UPDATE ticket SET state = 'sold', held_until = NULL WHERE order_id = ?", (booking.id,)),
            self._event("order_paid", booking.id, late=False, utr=payment_utr),
        ]

    def _event(self, kind: str, order_id: int | None, **detail) -> tuple[str, tuple]:
        """The journal entry of the payment being written (PAYMENT_ID in the statement)."""
        return (
            "INSERT INTO event (at, draw_id, kind, order_id, payment_id, detail) VALUES (?, ?, ?, ?, PAYMENT_ID, ?)",
            (self.now, self.draw.id, kind, order_id, json.dumps(detail, default=str, sort_keys=True)),
        )

    def _write(self, payment: tuple[str, tuple], after: list[tuple[str, tuple]]) -> int:
        """Insert the payment, then the statements that name it (PAYMENT_ID); its id. On PostgreSQL
        they go as one script, one round trip for the row; SQLite is in this process."""
        if is_sqlite():
            payment_id = run_sql(payment[0] + " RETURNING id", payment[1]).fetchone()[0]
            for sql, params in after:
                run_sql(sql.replace("PAYMENT_ID", str(int(payment_id))), params)
            return payment_id
        current = "currval(pg_get_serial_sequence('payment', 'id'))"
        script = [payment[0], *(sql.replace("PAYMENT_ID", current) for sql, _ in after), f"SELECT {current}"]
        params = payment[1] + tuple(p for _, values in after for p in values)
        return run_sql("; ".join(script), params).fetchone()[0]
