"""Payment matching, rule by rule (SPEC §2), on SQLite and PostgreSQL: reference → unique amount →
late payment → double payment → unmatched, never a guess; duplicate UTRs, quick marks, cash
sales, assigning by hand, refunds and re-checking. Every state change leaves an Event row."""

import itertools
from datetime import timedelta

import pytest

from shared.booking import cancel_order, expire_due, hold_tickets
from shared.db import utcnow
from shared.errors import Conflict, DuplicateUTR, InvalidInput, NotFound, TicketsTaken
from shared.models import Event, Order, Payment, Ticket
from shared.money import parse_amount
from shared.payments import assign_payment, check_payments, find_payment, record_payment, refund_payment, sell_cash
from tests.helpers.core_invariants import assert_core_invariants
from tests.helpers.db import new_draw

MIN = timedelta(minutes=1)


class Shop:
    """A draw seen through its buyers: book numbers at a minute, pay at a minute."""

    def __init__(self, draw, t0):
        self.draw = draw
        self.t0 = t0
        self.orders = {}
        self._mobiles = (f"9{n:09d}" for n in itertools.count(1))
        self._utrs = (f"{n:012d}" for n in itertools.count(500000000001))

    def at(self, minute):
        return self.t0 + minute * MIN

    def book(self, key, tickets, minute=0):
        self.orders[key] = hold_tickets(f"Buyer {key}", next(self._mobiles), tickets, now=self.at(minute))
        return self.orders[key]

    def pay(self, amount, minute, ref=None, **kw):
        reference = self.orders[ref].reference if ref in self.orders else ref
        return record_payment(
            amount, kw.pop("utr", None) or next(self._utrs), reference=reference, now=self.at(minute), **kw
        )

    def order(self, key):
        return Order.get_by_id(self.orders[key].order_id)

    def state(self, key):
        return self.order(key).state

    def utr(self):
        return next(self._utrs)


@pytest.fixture
def shop(draw):
    return Shop(draw, utcnow().replace(microsecond=0))


def snapshot():
    return (
        Payment.select().count(),
        Event.select().count(),
        sorted(Order.select(Order.id, Order.state).tuples()),
        sorted(Ticket.select(Ticket.number, Ticket.state, Ticket.order).where(Ticket.state != "free").tuples()),
    )


def events_of_payment(payment_id):
    return [e.kind for e in Event.select().where(Event.payment == payment_id).order_by(Event.id)]


# Each scenario: bookings made, then one payment; the expected outcome, rule, order and states.
# book: (key, tickets, minute); then optional steps: ("pay", amount, minute, ref) / ("cancel", key, minute)
# / ("book", key, tickets, minute).
SCENARIOS = [
    pytest.param(
        [("A", [1], 0), ("B", [2], 0)],
        [],
        (1000, 1, "A"),
        ("matched", 1, "A", "paid", "matched"),
        {"A": "paid", "B": "pending"},
        id="1-reference-same-amount",
    ),
    pytest.param(
        [("A", [1], 0), ("B", [2], 0)],
        [],
        (1000, 1, "ld 7x"),  # a reference that names nothing is only a hint
        ("matched", 2, "A", "paid", "matched"),
        {"A": "paid", "B": "pending"},
        id="2-bad-reference-ignored",
    ),
    pytest.param(
        [("A", [1], 0), ("B", [2], 0)],
        [],
        (1001, 1, None),
        ("matched", 2, "B", "paid", "matched"),
        {"A": "pending", "B": "paid"},
        id="2-unique-amount",
    ),
    pytest.param(
        [("A", [1, 2], 0), ("B", [3, 4], 0)],
        [],
        (2001, 9, None),
        ("matched", 2, "B", "paid", "matched"),
        {"A": "pending", "B": "paid"},
        id="2-two-tickets",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1001, 1, None),
        ("unmatched", None, None, None, "unmatched"),
        {"A": "pending"},
        id="5-no-such-amount",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (999, 1, "A"),  # underpaid with the right reference
        ("unmatched", None, None, None, "unmatched"),
        {"A": "pending"},
        id="1-reference-wrong-amount",
    ),
    pytest.param(
        [("A", [1], 0), ("B", [2], 0)],
        [],
        (1000, 1, "B"),  # amount fits A, reference names B
        ("ambiguous", None, None, None, "unmatched"),
        {"A": "pending", "B": "pending"},
        id="reference-and-amount-disagree",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1000, 15, None),  # hold ended at 10, paid at 15
        ("late_matched", 3, "A", "paid", "matched"),
        {"A": "paid"},
        id="3-late-numbers-free",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1000, 15, "A"),
        ("late_matched", 3, "A", "paid", "matched"),
        {"A": "paid"},
        id="3-late-with-reference",
    ),
    pytest.param(
        [("A", [1, 2], 0)],
        [("book", "B", [2, 3], 12)],
        (2000, 15, None),
        ("late_taken", 3, "A", "expired", "attention"),
        {"A": "expired", "B": "pending"},
        id="3-late-number-taken",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1000, 69, None),  # window: 60 min after the expiry at 10
        ("late_matched", 3, "A", "paid", "matched"),
        {"A": "paid"},
        id="3-late-window-edge",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1000, 70, None),  # the window is [10, 70): the amount is free again at 70
        ("unmatched", None, None, None, "unmatched"),
        {"A": "expired"},
        id="5-late-window-end",
    ),
    pytest.param(
        [("A", [1], 0)],
        [],
        (1000, 71, None),
        ("unmatched", None, None, None, "unmatched"),
        {"A": "expired"},
        id="5-after-late-window",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None)],
        (1000, 30, None),
        ("double_payment", 4, "A", "paid", "attention"),
        {"A": "paid"},
        id="4-double-payment",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None)],
        (1000, 30, "A"),
        ("double_payment", 4, "A", "paid", "attention"),
        {"A": "paid"},
        id="4-double-payment-with-reference",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None)],
        (1000, 60, None),
        ("double_payment", 4, "A", "paid", "attention"),
        {"A": "paid"},
        id="4-double-payment-window-edge",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None)],
        (1000, 61, None),
        ("unmatched", None, None, None, "unmatched"),
        {"A": "paid"},
        id="5-double-payment-window-end",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None)],
        (1000, 62, None),
        ("unmatched", None, None, None, "unmatched"),
        {"A": "paid"},
        id="5-double-payment-after-window",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("cancel", "A", 1)],
        (1000, 5, None),  # a cancelled booking is never confirmed by amount
        ("unmatched", None, None, None, "unmatched"),
        {"A": "cancelled"},
        id="5-cancelled",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("pay", 1000, 1, None), ("book", "B", [2], 2)],
        (1001, 3, None),
        ("matched", 2, "B", "paid", "matched"),
        {"A": "paid", "B": "paid"},
        id="2-next-offset-after-paid",
    ),
    pytest.param(
        [("A", [1], 0)],
        [("cancel", "A", 1), ("book", "B", [1], 2)],
        (1001, 3, None),
        ("matched", 2, "B", "paid", "matched"),
        {"A": "cancelled", "B": "paid"},
        id="2-rebooked-number",
    ),
]


@pytest.mark.parametrize("bookings, steps, payment, expected, states", SCENARIOS)
def test_matching_rules(shop, bookings, steps, payment, expected, states):
    for key, tickets, minute in bookings:
        shop.book(key, tickets, minute)
    for step in steps:
        if step[0] == "pay":
            assert shop.pay(step[1], step[2], ref=step[3]).confirmed
        elif step[0] == "cancel":
            cancel_order(shop.orders[step[1]].session_id, now=shop.at(step[2]))
        else:
            shop.book(*step[1:])
    amount, minute, ref = payment
    expire_due(shop.at(minute))  # holds that end by then end whatever the payment does
    before_orders = {k: shop.state(k) for k in shop.orders}
    result = shop.pay(amount, minute, ref=ref)
    outcome, rule, order_key, order_state, payment_status = expected
    assert (result.outcome, result.rule) == (outcome, rule), result.message
    assert result.confirmed == (outcome in ("matched", "late_matched"))
    assert result.amount_paise == amount and result.message
    paid = Payment.get_by_id(result.payment_id)
    assert paid.status == payment_status and paid.amount_paise == amount
    if order_key:
        order = shop.order(order_key)
        assert result.order_reference == order.reference
        assert result.order_session_id == order.session_id
        assert order.state == order_state
    else:
        assert result.order_reference is None
    assert {k: shop.state(k) for k in shop.orders} == states
    kinds = events_of_payment(paid.id)
    assert kinds[0] == "payment_recorded"
    assert (
        kinds[1:]
        == {
            "matched": ["order_paid"],
            "late_matched": ["order_paid"],
            "late_taken": ["payment_needs_attention"],
            "double_payment": ["payment_needs_attention"],
            "ambiguous": ["payment_unmatched"],
            "unmatched": ["payment_unmatched"],
        }[outcome]
    )
    if outcome in ("matched", "late_matched"):
        assert paid.order_id == order.id
        numbers = list(order.tickets)
        rows = Ticket.select().where((Ticket.draw == shop.draw.id) & Ticket.number.in_(numbers))
        assert {(t.state, t.order_id) for t in rows} == {("sold", order.id)}
        assert order.paid_at == shop.at(minute)
        changed = [k for k in shop.orders if before_orders[k] != shop.state(k)]
        assert changed == [order_key]  # exactly one booking changed
    else:
        assert paid.order_id is None
        assert {k: shop.state(k) for k in shop.orders} == before_orders
    if outcome in ("late_taken", "double_payment"):
        assert paid.attention_reason == outcome and paid.candidate_id == order.id
    assert_core_invariants(shop.draw.id)


def test_at_the_end_of_the_window_the_amount_belongs_to_the_new_booking(shop):
    """The late window of A and the reuse of its amount meet at one instant without overlapping."""
    shop.book("A", [1], 0)  # ₹10.00, expires at 10, amount kept until 70
    expire_due(shop.at(70))
    b = shop.book("B", [2], 70)  # gets ₹10.00 again
    assert b.payable_paise == 1000
    result = shop.pay(1000, 70)
    assert result.outcome == "matched" and result.order_reference == b.reference
    assert shop.state("A") == "expired"


def test_late_taken_keeps_the_new_buyers_numbers(shop):
    shop.book("A", [1, 2], 0)
    b = shop.book("B", [2, 3], 12)
    result = shop.pay(2000, 15)
    assert result.outcome == "late_taken" and "taken since" in result.message
    rows = {t.number: t for t in Ticket.select().where(Ticket.number.in_([1, 2, 3]))}
    assert rows[1].state == "free" and rows[1].order_id is None
    assert (rows[2].order_id, rows[3].order_id) == (b.order_id, b.order_id)
    assert rows[2].state == rows[3].state == "held"


def test_several_candidates_confirm_nothing(db, tmp_path):
    """Two pending ₹10.00 bookings exist only when all 100 offsets are in use."""
    draw = new_draw(tmp_path, ticket_count=250)
    shop = Shop(draw, utcnow().replace(microsecond=0))
    for n in range(1, 101):
        shop.book(n, [n], 0)
    shop.book("N", [101], 1)
    assert shop.orders["N"].amount_unique is False
    before = snapshot()
    result = shop.pay(1000, 2)
    assert result.outcome == "ambiguous" and not result.confirmed
    assert set(result.candidates) == {shop.orders[1].reference, shop.orders["N"].reference}
    after = snapshot()
    assert after[2:] == before[2:] and after[0] == before[0] + 1
    # the first ₹10.00 booking is now paid by its reference ...
    assert shop.pay(1000, 3, ref=1).rule == 1
    # ... but a later ₹10.00 without a reference is still not N's for sure: it could be a second
    # payment for booking 1, whose amount is kept for the late window
    result = shop.pay(1000, 4)
    assert not result.confirmed and shop.state("N") == "pending"
    assert set(result.candidates) >= {shop.orders["N"].reference}
    # N expires; a ₹10.00 now fits N (expired) and booking 1 (paid): still nothing on a guess
    result = shop.pay(1000, 12)
    assert not result.confirmed and shop.state("N") == "expired"
    assert_core_invariants(draw.id)


def test_a_payment_never_confirms_a_booking_made_after_it(shop):
    early = shop.pay(1000, 0)  # money that fits nothing yet
    assert early.outcome == "unmatched"
    shop.book("A", [1], 1)  # a stranger is then offered ₹10.00
    assert shop.orders["A"].payable_paise == 1000
    results = check_payments(now=shop.at(2))
    assert [r.payment_id for r in results] == [early.payment_id]
    assert not results[0].confirmed
    assert shop.state("A") == "pending"
    assert Payment.get_by_id(early.payment_id).status == "unmatched"
    # the stranger's own payment confirms their booking
    assert shop.pay(1000, 3).order_reference == shop.orders["A"].reference
    # and the old payment is still not taken as a second payment of theirs
    assert not check_payments(now=shop.at(4))[0].confirmed
    assert_core_invariants(shop.draw.id)


def test_check_payments_rematches_once_a_rival_is_gone(db, tmp_path):
    draw = new_draw(tmp_path, ticket_count=250)
    shop = Shop(draw, utcnow().replace(microsecond=0))
    for n in range(1, 101):
        shop.book(n, [n], 0)
    shop.book("N", [101], 1)
    waiting = shop.pay(1000, 2)
    assert waiting.outcome == "ambiguous"
    cancel_order(shop.orders["N"].reference, now=shop.at(3))
    # still inside N's late window: N's buyer may yet pay, so nothing changes
    assert [r.outcome for r in check_payments(now=shop.at(30))] == ["ambiguous"]
    assert shop.state(1) == "expired"
    # N's window is over; booking 1 expired at 10 and is still in its own window: a late payment
    results = check_payments(now=shop.at(64))
    assert [(r.payment_id, r.outcome, r.order_reference) for r in results] == [
        (waiting.payment_id, "late_matched", shop.orders[1].reference)
    ]
    assert shop.state(1) == "paid"
    assert check_payments(now=shop.at(65)) == []
    assert_core_invariants(draw.id)


def test_check_payments_leaves_settled_payments_alone(shop):
    shop.book("A", [1], 0)
    shop.book("B", [2], 0)
    matched = shop.pay(1000, 1)
    double = shop.pay(1000, 2)
    lost = shop.pay(777, 2)
    refunded = shop.pay(555, 2)
    refund_payment(refunded.utr, now=shop.at(3))
    before = {p.id: (p.status, p.order_id) for p in Payment.select()}
    results = check_payments(now=shop.at(4))
    assert [r.payment_id for r in results] == [lost.payment_id]
    assert {p.id: (p.status, p.order_id) for p in Payment.select()} == before
    assert double.outcome == "double_payment" and matched.confirmed
    assert shop.state("B") == "pending"


def test_duplicate_utr_changes_nothing(shop):
    shop.book("A", [1], 0)
    shop.book("B", [2], 0)
    first = shop.pay(1000, 1, utr="123456789012")
    assert first.confirmed
    before = snapshot()
    for utr in ("123456789012", " 1234 5678 9012 "):
        with pytest.raises(DuplicateUTR) as caught:
            shop.pay(1001, 2, utr=utr)  # even with another amount that would fit B
        assert "123456789012 was already recorded" in caught.value.message
        assert "nothing was changed" in caught.value.message
        assert caught.value.status == 409
    assert snapshot() == before
    assert shop.state("B") == "pending"


def test_quick_mark_gets_an_internal_id(shop):
    shop.book("A", [1], 0)
    result = record_payment(parse_amount("₹10.00"), None, quick=True, now=shop.at(1))
    assert result.confirmed and result.order_reference == shop.orders["A"].reference
    payment = Payment.get_by_id(result.payment_id)
    assert payment.utr_missing and payment.utr.startswith("NOUTR-") and payment.source == "quick"
    assert result.utr == payment.utr
    assert find_payment(payment.utr.lower()).id == payment.id
    # two quick marks never collide
    other = record_payment(parse_amount("10.00"), "", quick=True, now=shop.at(2))
    assert other.utr != result.utr and other.outcome == "double_payment"
    # a quick mark that also has a UTR keeps it
    assert not Payment.get_by_id(record_payment(5, "111122223333", quick=True, now=shop.at(2)).payment_id).utr_missing


@pytest.mark.parametrize(
    "amount, utr, kw, message",
    [
        ("10", None, {}, "A UTR (12 digits) is needed"),
        ("10", "", {}, "A UTR (12 digits) is needed"),
        ("10", "12345", {}, "UTR must be exactly 12 digits"),
        ("10", "१२३४५६७८९०१२", {}, "UTR must be exactly 12 digits"),
        ("0", "123456789012", {}, "more than zero"),
        (0, "123456789012", {}, "more than zero"),
        (-100, "123456789012", {}, "more than zero"),
        ("ten", "123456789012", {}, "is not an amount"),
        ("10.001", "123456789012", {}, "two decimal places"),
        (True, "123456789012", {}, "number of rupees"),
        ("10", "123456789012", {"source": "bank"}, "Unknown payment source"),
        ("10", "123456789012", {"payer": "x" * 200}, "too long"),
        ("10", "123456789012", {"payer": "bad\x00name"}, "cannot be used"),
    ],
)
def test_bad_payment_changes_nothing(shop, amount, utr, kw, message):
    shop.book("A", [1], 0)
    before = snapshot()
    with pytest.raises(InvalidInput) as caught:
        # what the organiser typed is parsed at the edge; ints go to the core as paise
        typed = parse_amount(amount) if isinstance(amount, (str, bool)) else amount
        record_payment(typed, utr, now=shop.at(1), **kw)
    assert message in caught.value.message
    assert snapshot() == before


def test_amount_forms(shop):
    shop.book("A", [1], 0)
    shop.book("B", [2], 0)
    assert shop.pay(parse_amount("₹10.01"), 1).order_reference == shop.orders["B"].reference  # rupees text
    assert shop.pay(1000, 1).order_reference == shop.orders["A"].reference  # an int is paise


def test_cash_sale(shop):
    shop.book("A", [1], 0)
    before_payments = Payment.select().count()
    result = sell_cash("  Mohan  Lal ", "+91 99887 76655", "5, 6", now=shop.at(1))
    assert result.confirmed and result.amount_paise == 2000
    payment = Payment.get_by_id(result.payment_id)
    assert (payment.source, payment.utr_missing, payment.status) == ("cash", True, "matched")
    order = payment.order
    assert (order.state, order.source, order.name, order.mobile, order.amount_unique) == (
        "paid",
        "cash",
        "Mohan Lal",
        "9988776655",
        False,
    )
    assert payment.reference == order.reference
    rows = Ticket.select().where(Ticket.number.in_([5, 6]))
    assert {(t.state, t.order_id) for t in rows} == {("sold", order.id)}
    assert Payment.select().count() == before_payments + 1
    kinds = [e.kind for e in Event.select().where(Event.order == order.id).order_by(Event.id)]
    assert kinds == ["order_created", "order_paid"]
    # taken numbers are refused, naming them, and nothing changes
    snap = snapshot()
    with pytest.raises(TicketsTaken) as caught:
        sell_cash("Mohan", "9988776655", [1, 5, 7], now=shop.at(2))
    assert caught.value.taken == [1, 5]
    assert snapshot() == snap
    # a later UPI payment of the same amount is not a "double payment" of the cash sale
    shop.book("C", [8, 9], 2)
    assert shop.orders["C"].payable_paise == 2000
    assert shop.pay(2000, 3).order_reference == shop.orders["C"].reference
    assert_core_invariants(shop.draw.id)


def test_assign_by_hand_to_a_pending_booking(shop):
    shop.book("A", [1], 0)
    lost = shop.pay(1500, 1)
    assert lost.outcome == "unmatched"
    result = assign_payment(lost.utr, shop.orders["A"].reference, accept_overpayment=True, now=shop.at(2))
    assert result.confirmed and result.order_reference == shop.orders["A"].reference
    assert shop.state("A") == "paid"
    assert events_of_payment(lost.payment_id)[-2:] == ["order_paid", "payment_assigned"]
    with pytest.raises(Conflict, match="already settled"):
        assign_payment(lost.utr, shop.orders["A"].reference, now=shop.at(3))
    assert_core_invariants(shop.draw.id)


def test_assign_by_hand_to_an_expired_booking_with_free_numbers(shop):
    shop.book("A", [1, 2], 0)
    lost = shop.pay(2500, 30)
    result = assign_payment(str(lost.payment_id), shop.orders["A"].session_id, accept_overpayment=True, now=shop.at(31))
    assert result.confirmed and shop.state("A") == "paid"
    assert {t.state for t in Ticket.select().where(Ticket.number.in_([1, 2]))} == {"sold"}
    assert_core_invariants(shop.draw.id)


def test_assign_by_hand_refuses_an_expired_booking_whose_numbers_were_taken(shop):
    shop.book("A", [1, 2], 0)
    shop.book("B", [2], 20)
    lost = shop.pay(2000, 25)  # fits A's late window: the numbers are taken → attention
    assert lost.outcome == "late_taken"
    before = snapshot()
    with pytest.raises(TicketsTaken) as caught:
        assign_payment(lost.utr, shop.orders["A"].reference, now=shop.at(26))
    assert caught.value.taken == [2]
    assert snapshot() == before
    # it can go to B instead (more than B's amount, once the organiser accepts that)
    assert assign_payment(lost.utr, shop.orders["B"].reference, accept_overpayment=True, now=shop.at(26)).confirmed
    assert shop.state("B") == "paid" and shop.state("A") == "expired"
    assert_core_invariants(shop.draw.id)


def test_assign_by_hand_refusals(shop):
    shop.book("A", [1], 0)
    shop.book("B", [2, 3], 0)
    paid = shop.pay(1000, 1)
    small = shop.pay(1500, 1)
    refunded = shop.pay(700, 1)
    refund_payment(refunded.utr, now=shop.at(2))
    before = snapshot()
    with pytest.raises(Conflict, match="already paid"):
        assign_payment(small.utr, shop.orders["A"].reference, now=shop.at(2))
    with pytest.raises(Conflict, match="less than booking"):
        assign_payment(small.utr, shop.orders["B"].reference, now=shop.at(2))
    with pytest.raises(Conflict, match="refunded"):
        assign_payment(refunded.utr, shop.orders["B"].reference, now=shop.at(2))
    with pytest.raises(Conflict, match="already settled"):
        assign_payment(paid.utr, shop.orders["B"].reference, now=shop.at(2))
    with pytest.raises(NotFound):
        assign_payment("999999999999", shop.orders["B"].reference, now=shop.at(2))
    with pytest.raises(NotFound):
        assign_payment(small.utr, "LD-222222", now=shop.at(2))
    assert snapshot() == before
    result = assign_payment(small.utr, shop.orders["B"].reference, force=True, now=shop.at(2))
    assert result.confirmed and shop.state("B") == "paid"
    assert (
        Event.select()
        .where((Event.kind == "payment_assigned") & (Event.payment == small.payment_id))
        .get()
        .data["forced"]
        is True
    )
    assert_core_invariants(shop.draw.id)


def test_refund(shop):
    shop.book("A", [1], 0)
    paid = shop.pay(1000, 1)
    double = shop.pay(1000, 2)
    stray = shop.pay(4242, 2)
    assert refund_payment(double.utr, note="sent back", now=shop.at(3)).status == "refunded"
    assert refund_payment(stray.utr, now=shop.at(3)).status == "refunded"
    assert Payment.get_by_id(double.payment_id).note == "sent back"
    for utr in (paid.utr, double.utr):
        with pytest.raises(Conflict):
            refund_payment(utr, now=shop.at(4))
    assert shop.state("A") == "paid"
    assert events_of_payment(stray.payment_id)[-1] == "payment_refunded"
    assert Payment.select().count() == 3  # a refund keeps the payment
    assert_core_invariants(shop.draw.id)


def test_find_payment(shop):
    result = shop.pay(1000, 0, utr="123456789012")
    assert find_payment("123456789012").id == result.payment_id
    assert find_payment(str(result.payment_id)).id == result.payment_id
    for key in ("", None, "999999999999", "NOUTR-XXXX", "abc"):
        with pytest.raises(NotFound):
            find_payment(key)


def test_a_reference_of_an_archived_draw_confirms_nobody_in_the_new_one(db, tmp_path):
    """Issue 10, item 2: R1 of draw 1 and R2 of draw 2 both pay ₹10.00; money naming R1 after the
    new draw is never R2's: it needs attention, showing R1, and nothing is confirmed."""
    new_draw(tmp_path)
    r1 = hold_tickets("Asha", "9800000001", [1])
    d2 = new_draw(tmp_path)
    r2 = hold_tickets("Ravi", "9800000002", [1])
    assert r1.payable_paise == r2.payable_paise == 1000
    result = record_payment(1000, "123456789012", reference=r1.reference)
    assert not result.confirmed
    assert result.outcome == "other_draw"
    assert result.order_reference == r1.reference
    assert r1.reference in result.message and r2.reference not in result.message
    assert Order.get_by_id(r2.order_id).state == "pending"
    payment = Payment.get_by_id(result.payment_id)
    assert (payment.status, payment.attention_reason, payment.candidate_id, payment.draw_id) == (
        "attention",
        "other_draw",
        r1.order_id,
        d2.id,
    )
    assert events_of_payment(payment.id) == ["payment_recorded", "payment_needs_attention"]
    # From there the organiser refunds it (or assigns it by hand to a booking of this draw).
    assert refund_payment(payment.utr).status == "refunded"
    assert_core_invariants(d2.id)


def test_the_utr_of_a_quick_mark_is_attached_to_it_not_a_double_payment(shop):
    """Issue 10, item 6: quick mark ₹10.00, then the same money with its UTR: one payment, now
    with the UTR; the second sighting is journalled, nothing is confirmed twice."""
    shop.book("A", [1], 0)
    quick = record_payment(1000, None, quick=True, now=shop.at(1))
    assert quick.confirmed
    result = record_payment(1000, "123456789012", payer="ASHA", source="sms", now=shop.at(3))
    assert result.outcome == "utr_attached" and not result.confirmed
    assert result.payment_id == quick.payment_id and result.order_reference == shop.orders["A"].reference
    assert "attached" in result.message and shop.orders["A"].reference in result.message
    payment = Payment.get_by_id(quick.payment_id)
    assert (payment.utr, payment.utr_missing, payment.status, payment.order_id) == (
        "123456789012",
        False,
        "matched",
        shop.orders["A"].order_id,
    )
    assert Payment.select().count() == 1
    attached = Event.get(Event.kind == "payment_utr_attached")
    assert attached.payment_id == payment.id
    assert attached.data["internal_id"] == quick.utr and attached.data["source"] == "sms"
    assert attached.data["utr"] == "123456789012"
    with pytest.raises(DuplicateUTR):  # the same SMS again changes nothing
        record_payment(1000, "123456789012", source="sms", now=shop.at(4))
    # the internal id the organiser was shown still names the payment, as does its UTR
    assert find_payment(quick.utr).id == find_payment("1234 5678 9012").id == payment.id
    assert find_payment(quick.utr.lower()).id == payment.id
    with pytest.raises(NotFound):
        find_payment("NOUTR-" + "0" * 10)  # 0 is never in an internal id
    assert_core_invariants(shop.draw.id)


def test_the_utr_is_not_attached_when_asked_not_to_or_after_the_window(shop):
    shop.book("A", [1], 0)
    record_payment(1000, None, quick=True, now=shop.at(1))
    declined = record_payment(1000, shop.utr(), now=shop.at(2), attach_utr=False)
    assert declined.outcome == "double_payment"
    shop.book("B", [2], 0)
    record_payment(1001, None, quick=True, now=shop.at(1))
    late = record_payment(1001, shop.utr(), now=shop.at(1 + 61))
    assert late.outcome != "utr_attached"


def test_two_quick_marks_of_the_amount_are_not_guessed_between(db, tmp_path):
    """Two no-UTR payments of ₹10.00 settled bookings (all 100 offsets were in use, so the 101st
    booking shares ₹10.00 and was settled by its reference): a UTR for ₹10.00 needs attention."""
    draw = new_draw(tmp_path, ticket_count=120)
    now = utcnow()
    holds = [hold_tickets(f"Buyer {n}", f"98{n:08d}", [n], now=now) for n in range(1, 102)]
    first, last = holds[0], holds[-1]
    assert first.payable_paise == last.payable_paise == 1000 and not last.amount_unique
    for hold in (first, last):
        assert record_payment(1000, None, reference=hold.reference, quick=True, now=now + MIN).confirmed
    result = record_payment(1000, "123456789012", now=now + 2 * MIN)
    assert result.outcome == "quick_marks_ambiguous" and not result.confirmed
    assert sorted(result.candidates) == sorted([first.reference, last.reference])
    payment = Payment.get_by_id(result.payment_id)
    assert (payment.status, payment.attention_reason, payment.utr) == (
        "attention",
        "quick_marks_ambiguous",
        "123456789012",
    )
    assert Payment.select().where(Payment.utr_missing == True).count() == 2  # noqa: E712
    assert_core_invariants(draw.id)


def test_assigning_an_overpayment_by_hand_needs_accept_overpayment(shop):
    """Issue 10, item 8: ₹13.37 onto a ₹10.02 booking is refused unless the organiser accepts it."""
    for key, number in (("A", 1), ("B", 2), ("C", 3)):
        shop.book(key, [number], 0)
    assert shop.orders["C"].payable_paise == 1002
    stray = shop.pay(1337, 1)
    assert stray.outcome == "unmatched"
    before = snapshot()
    with pytest.raises(Conflict, match="more than booking .* accept the overpayment"):
        assign_payment(stray.utr, shop.orders["C"].reference, now=shop.at(2))
    assert snapshot() == before
    result = assign_payment(stray.utr, shop.orders["C"].reference, accept_overpayment=True, now=shop.at(2))
    assert result.confirmed and shop.state("C") == "paid"
    assigned = Event.get(Event.kind == "payment_assigned")
    assert assigned.data["overpaid_paise"] == 335
    assert_core_invariants(shop.draw.id)
