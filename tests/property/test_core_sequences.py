"""Random sequences of what happens during a draw — holds, time passing (holds expiring), payments
of the right amount, a wrong amount, a UTR seen before, late, quick marks, cash sales,
assignments by hand, refunds, cancellations and re-checks — on a real SQLite database. After
every step: no ticket held or sold twice, tickets sold ⇔ paid orders, distinct unique amounts,
each paid order settled by exactly one payment, money that reconciles, and no payment ever lost."""

import itertools
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, multiple, rule

from shared import booking, setup
from shared import db as shared_db
from shared.booking import cancel_order, expire_due, hold_tickets
from shared.errors import Conflict, DuplicateUTR, LimitReached, TicketsTaken
from shared.models import Event, Order, Payment, Ticket
from shared.payments import (
    UTR_ATTACHED,
    assign_payment,
    check_payments,
    find_payment,
    record_payment,
    refund_payment,
    sell_cash,
)
from tests.helpers.core_invariants import assert_core_invariants
from tests.helpers.db import new_draw

TICKETS = 24
MOBILES = ["9000000001", "9000000002", "9000000003", "8000000004", "7000000005"]
FAST_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None  # a real SQLite file, in memory-backed storage
numbers = st.lists(st.integers(1, TICKETS), min_size=1, max_size=3, unique=True)


def snapshot():
    return (
        sorted(Order.select(Order.id, Order.state, Order.amount_lock).tuples()),
        sorted(Ticket.select(Ticket.number, Ticket.state, Ticket.order).tuples()),
        sorted(Payment.select(Payment.id, Payment.status, Payment.order, Payment.amount_paise).tuples()),
        Event.select().count(),
    )


class DrawDay(RuleBasedStateMachine):
    holds = Bundle("holds")
    utrs = Bundle("utrs")  # 12-digit UTRs that were recorded
    # What the organiser can name a payment by: its UTR or, without one, its internal id. One bundle
    # that the paying rules also fill, not one_of(utrs, ...): Hypothesis cannot see that a one_of of
    # bundles is empty, and a rule drawing from one made its generation differ between runs.
    payment_keys = Bundle("payment_keys")

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="luckydraw-prop-", dir=FAST_TMP))
        setup.connect(str(self.dir / "draw.db"))
        self.draw = new_draw(self.dir, ticket_count=TICKETS, max_per_order=3, hold_minutes=10, late_window_minutes=30)
        self.now = self.draw.created_at
        self.utr_numbers = itertools.count(100000000001)
        self.recorded = {}  # payment id → amount the organiser was told was kept
        self.by_hand = set()  # payments the organiser placed (assign, cash)

    def teardown(self):
        shared_db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- what happens --------------------------------------------------------------------------

    @rule(target=holds, tickets=numbers, mobile=st.sampled_from(MOBILES))
    def hold(self, tickets, mobile):
        live = {
            t.number
            for t in Ticket.select().where(Ticket.state != "free")
            if t.state == "sold" or t.held_until > self.now
        }
        before = snapshot()
        try:
            hold = hold_tickets("Buyer", mobile, tickets, now=self.now)
        except TicketsTaken as exc:
            assert exc.taken == sorted(live & set(tickets))
            assert snapshot() == before
            return multiple()
        except LimitReached:
            assert snapshot() == before
            return multiple()
        assert not live & set(tickets), "a hold was given numbers someone else had"
        return hold

    @rule(minutes=st.sampled_from([1, 5, 9, 11, 25, 31, 45]), sweep=st.booleans())
    def time_passes(self, minutes, sweep):
        self.now += timedelta(minutes=minutes)
        if sweep:
            expire_due(self.now)

    def _rivals(self, order):
        """Other bookings that could be receiving the same amount (there should be none, except
        when a booking was paid by hand after its amount had gone to a newer one)."""
        window = self.now - timedelta(minutes=30)
        return list(
            Order.select().where(
                (Order.id != order.id)
                & (Order.payable_paise == order.payable_paise)
                & (Order.source != "cash")
                & ((Order.state == "pending") | ((Order.state != "pending") & (Order.ended_at > window)))
            )
        )

    def _record(self, amount, utr=None, **kw):
        count = Payment.select().count()
        result = record_payment(amount, utr, now=self.now, **kw)
        # The UTR of money already settled without one is attached to that payment (issue 10, item 6):
        # the same money seen twice, so no second row; anything else is a new payment.
        attached = result.outcome == UTR_ATTACHED
        assert Payment.select().count() == count + (0 if attached else 1)
        self.recorded[result.payment_id] = amount
        if result.confirmed:
            order = Order.get(Order.reference == result.order_reference)
            assert order.state == "paid" and order.payable_paise == amount
            assert order.created_at <= self.now
        return result

    @rule(targets=(utrs, payment_keys), hold=holds, with_reference=st.booleans())
    def pay_right_amount(self, hold, with_reference):
        order = Order.get_by_id(hold.order_id)
        live = order.state == "pending" and order.expires_at > self.now
        result = self._record(
            hold.payable_paise, f"{next(self.utr_numbers)}", reference=hold.reference if with_reference else None
        )
        if live and (with_reference or not self._rivals(order)):
            assert result.outcome == "matched" and result.order_reference == hold.reference
        if with_reference and result.confirmed:
            assert result.order_reference == hold.reference
        return result.utr

    @rule(
        targets=(utrs, payment_keys), hold=holds, minutes_late=st.sampled_from([0, 1, 15, 30, 31]), rival=st.booleans()
    )
    def pay_late(self, hold, minutes_late, rival):
        """The buyer pays after the hold ended: kept numbers if they are still free and the
        late-payment window (30 minutes here) is open; needs attention if a number was taken."""
        order = Order.get_by_id(hold.order_id)
        if order.state != "pending" and order.state != "expired":
            return multiple()
        self.now = max(self.now, order.expires_at + timedelta(minutes=minutes_late))
        mine = set(order.tickets)
        if rival:  # meanwhile someone else books one of the late payer's numbers
            try:
                hold_tickets("Rival", "6000000009", [min(mine)], now=self.now)
            except (TicketsTaken, LimitReached):
                pass
        others = {
            t.number
            for t in Ticket.select().where(Ticket.number.in_(mine) & (Ticket.state != "free"))
            if t.order_id != order.id and (t.state == "sold" or t.held_until > self.now)
        }
        result = self._record(hold.payable_paise, f"{next(self.utr_numbers)}")
        if order.expires_at + timedelta(minutes=30) > self.now:  # inside the window
            assert result.order_reference == hold.reference, result
            assert result.outcome == ("late_taken" if others else "late_matched"), (result, others)
        else:
            assert result.order_reference != hold.reference or not result.confirmed
        return result.utr

    @rule(
        targets=(utrs, payment_keys), hold=holds, delta=st.sampled_from([-1, 1, 50, -999]), with_reference=st.booleans()
    )
    def pay_wrong_amount(self, hold, delta, with_reference):
        amount = hold.payable_paise + delta
        if amount <= 0:
            return multiple()
        result = self._record(amount, f"{next(self.utr_numbers)}", reference=hold.reference if with_reference else None)
        assert result.order_reference != hold.reference or not result.confirmed
        return result.utr

    @rule(utr=utrs, amount=st.sampled_from([1000, 1001, 2000, 5]))
    def pay_with_a_utr_seen_before(self, utr, amount):
        before = snapshot()
        with pytest.raises(DuplicateUTR):
            record_payment(amount, utr, now=self.now)
        assert snapshot() == before

    @rule(target=payment_keys, hold=holds)
    def quick_mark(self, hold):
        result = self._record(hold.payable_paise, None, quick=True)
        assert Payment.get_by_id(result.payment_id).utr_missing
        return result.utr

    @rule(target=payment_keys, tickets=numbers)
    def cash_sale(self, tickets):
        before = snapshot()
        try:
            result = sell_cash("Cash Buyer", "9123456789", tickets, now=self.now)
        except TicketsTaken:
            assert snapshot() == before
            return multiple()
        self.recorded[result.payment_id] = result.amount_paise
        self.by_hand.add(result.payment_id)
        return result.utr

    @rule(utr=payment_keys, hold=holds, force=st.booleans())
    def assign_by_hand(self, utr, hold, force):
        before = snapshot()
        try:
            result = assign_payment(utr, hold.session_id, force=force, accept_overpayment=force, now=self.now)
        except (Conflict, TicketsTaken):
            assert snapshot() == before
            return
        self.by_hand.add(result.payment_id)
        assert Order.get_by_id(hold.order_id).state == "paid"

    @rule(utr=payment_keys)
    def refund(self, utr):
        payment = find_payment(utr)  # a quick mark's internal id still names it once its UTR is attached
        before = snapshot()
        try:
            refund_payment(utr, now=self.now)
        except Conflict:
            assert payment.status not in ("unmatched", "attention")
            assert snapshot() == before
            return
        assert payment.status in ("unmatched", "attention")

    @rule(hold=consumes(holds))
    def cancel(self, hold):
        try:
            cancel_order(hold.session_id, now=self.now)
        except Conflict:
            assert Order.get_by_id(hold.order_id).state != "pending"

    @rule()
    def check_payments(self):
        waiting = Payment.select().where(Payment.status == "unmatched").count()
        results = check_payments(now=self.now)
        assert len(results) == waiting
        for result in results:
            if result.confirmed:
                order = Order.get(Order.reference == result.order_reference)
                payment = Payment.get_by_id(result.payment_id)
                assert order.payable_paise == payment.amount_paise
                assert order.created_at <= payment.recorded_at

    # --- what must always be true ---------------------------------------------------------------

    @invariant()
    def core_promises_hold(self):
        assert_core_invariants(self.draw.id)

    @invariant()
    def no_payment_ever_disappears(self):
        kept = dict(Payment.select(Payment.id, Payment.amount_paise).tuples())
        assert kept == self.recorded

    @invariant()
    def amounts_confirm_only_bookings_that_existed(self):
        for payment in Payment.select().where(Payment.status == "matched"):
            if payment.id in self.by_hand:
                continue
            order = payment.order
            assert order.payable_paise == payment.amount_paise
            assert order.created_at <= payment.recorded_at


@pytest.fixture
def sweeps_only_when_told(monkeypatch):
    """The periodic sweep runs on wall-clock time; here only the sequence decides when it runs."""
    monkeypatch.setattr(booking, "SWEEP_EVERY_SECONDS", float("inf"))


def test_random_draw_days(sweeps_only_when_told):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        DrawDay,
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
