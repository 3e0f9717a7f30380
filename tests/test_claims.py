"""The buyer's UTR claim and matching rule 0 (SPEC §2), on SQLite and PostgreSQL: a claim is kept,
journalled and can change while the booking is open; it is refused (and nothing changes) for a
paid or cancelled booking, a UTR already recorded for another booking or claimed elsewhere; a payment carrying a
claimed UTR settles that booking even when amounts are shared, and never when the amount or the
reference disagree — then it needs attention with both candidates named."""

import pytest

from shared.claims import ClaimRefused, claim_utr, claimant_of
from shared.errors import InvalidInput, NotFound
from shared.models import Event, Order, Payment
from shared.payments import CLAIM_MISMATCH, check_payments, record_payment
from tests.helpers.core_invariants import assert_core_invariants
from tests.test_matching import Shop

UTR = "412345678901"


@pytest.fixture
def shop(draw):
    from shared.db import utcnow

    return Shop(draw, utcnow().replace(microsecond=0))


def claim(shop, key, utr=UTR, minute=0):
    return claim_utr(shop.orders[key].session_id, utr, now=shop.at(minute))


def claim_events(order_id):
    return [e.data for e in Event.select().where((Event.order == order_id) & (Event.kind == "order_utr_claimed"))]


def test_a_claim_is_kept_journalled_and_can_change_while_pending(shop):
    shop.book("A", [1])
    first = claim(shop, "A", "4123 4567 8901")
    assert (first.claimed_utr, first.changed, first.state) == (UTR, True, "pending")
    assert claim(shop, "A", UTR).changed is False  # the same UTR again changes nothing
    again = claim(shop, "A", "412345678902", minute=1)
    order = shop.order("A")
    assert (order.claimed_utr, order.state) == ("412345678902", "pending")
    assert again.changed
    assert [e["utr"] for e in claim_events(order.id)] == [UTR, "412345678902"]
    assert claim_events(order.id)[1]["previous"] == UTR
    assert claimant_of("412345678902") == (order.reference, "Buyer A")
    assert claimant_of(UTR) is None


@pytest.mark.parametrize("bad", ["41234567890", "4123456789012", "41234567890x", "", "४१२३४५६७८९०१"])
def test_a_malformed_utr_is_refused_and_changes_nothing(shop, bad):
    shop.book("A", [1])
    with pytest.raises(InvalidInput, match="12 digits"):
        claim(shop, "A", bad)
    assert shop.order("A").claimed_utr is None
    assert claim_events(shop.order("A").id) == []


def test_an_unknown_session_is_not_found(shop):
    with pytest.raises(NotFound):
        claim_utr("123456789012", UTR)
    with pytest.raises(NotFound):
        claim_utr("LD-AAAAAA", UTR)


def test_a_paid_or_cancelled_booking_refuses_a_claim(shop):
    from shared.booking import cancel_order

    shop.book("A", [1])
    shop.book("B", [2])
    shop.pay(1000, 1, "A")
    cancel_order(shop.orders["B"].session_id, now=shop.at(1))
    with pytest.raises(ClaimRefused) as paid:
        claim(shop, "A", minute=2)
    with pytest.raises(ClaimRefused) as cancelled:
        claim(shop, "B", minute=2)
    assert (paid.value.reason, paid.value.status, cancelled.value.reason) == ("paid", 409, "cancelled")
    assert [shop.order(k).claimed_utr for k in "AB"] == [None, None]


def test_a_utr_recorded_for_another_booking_or_claimed_elsewhere_is_refused(shop):
    shop.book("A", [1])
    shop.book("B", [2])
    shop.book("C", [3])
    settled = shop.pay(1001, 1, utr=UTR)  # B's amount: it confirmed B
    assert settled.order_reference == shop.orders["B"].reference
    with pytest.raises(ClaimRefused) as recorded:
        claim(shop, "A", UTR, minute=2)
    claim(shop, "C", "412345678902", minute=2)
    with pytest.raises(ClaimRefused) as claimed:
        claim(shop, "A", "412345678902", minute=3)
    assert (recorded.value.reason, claimed.value.reason) == ("recorded", "claimed")
    assert [shop.order(k).claimed_utr for k in "ABC"] == [None, None, "412345678902"]
    assert [shop.state(k) for k in "ABC"] == ["pending", "paid", "pending"]


def test_money_recorded_before_the_booking_was_made_cannot_be_claimed(shop):
    shop.pay(5000, 0, utr=UTR)  # no booking yet: unmatched
    shop.book("A", [1], minute=1)
    with pytest.raises(ClaimRefused) as refused:
        claim(shop, "A", UTR, minute=2)
    assert refused.value.reason == "recorded" and shop.order("A").claimed_utr is None
    assert Payment.get(Payment.utr == UTR).status == "unmatched"


def test_money_first_then_the_claim_settles_the_booking(big_shop):
    """All 100 offsets in use: ₹10.00 fits two bookings, so the payment waits unmatched. The buyer
    then hands in its UTR: rule 0 settles their booking at once, in the claim's transaction."""
    shop = big_shop
    share_one_amount(shop)
    waiting = shop.pay(1000, 1, utr=UTR)
    assert (waiting.outcome, shop.state(101)) == ("ambiguous", "pending")
    done = claim(shop, 101, UTR, minute=2)
    assert (done.claimed_utr, done.state) == (UTR, "paid")
    payment = Payment.get(Payment.utr == UTR)
    assert (payment.status, payment.order_id) == ("matched", shop.orders[101].order_id)
    assert shop.state(1) == "pending"
    assert_core_invariants(shop.draw.id)


def test_money_first_then_a_claim_of_another_amount_confirms_nothing(shop):
    shop.book("A", [1])  # ₹10.00
    shop.pay(5000, 1, utr=UTR)  # fits nobody: unmatched
    done = claim(shop, "A", UTR, minute=2)
    assert (done.claimed_utr, done.state) == (UTR, "pending")
    payment = Payment.get(Payment.utr == UTR)
    assert (payment.status, payment.attention_reason, payment.candidate_id) == (
        "attention",
        CLAIM_MISMATCH,
        shop.orders["A"].order_id,
    )
    assert_core_invariants(shop.draw.id)


def test_the_database_refuses_two_open_claims_of_one_utr(shop):
    """The partial unique index holds even for a writer that skips the check."""
    from peewee import IntegrityError

    from shared.db import database

    shop.book("A", [1])
    shop.book("B", [2])
    claim(shop, "A")
    with pytest.raises(IntegrityError), database.obj.atomic():
        Order.update(claimed_utr=UTR).where(Order.id == shop.orders["B"].order_id).execute()
    # once A is paid its claim no longer blocks (it stays on A as history)
    shop.pay(1000, 1, "A", utr="512345678901")
    Order.update(claimed_utr=UTR).where(Order.id == shop.orders["B"].order_id).execute()


def test_an_expired_booking_takes_a_claim(shop):
    shop.book("A", [1])
    expired = claim(shop, "A", minute=12)  # hold ended at 10
    assert expired.claimed_utr == UTR
    assert expired.state in ("pending", "expired")


def share_one_amount(shop, count=101):
    """Book `count` single tickets: after the 100 paise offsets of ₹10 are all in use, the next
    bookings pay ₹10.00 like the first one: the amount alone cannot tell them apart."""
    for n in range(1, count + 1):
        shop.book(n, [n])
    assert shop.orders[count].payable_paise == 1000 and not shop.orders[count].amount_unique


@pytest.fixture
def big_shop(db, tmp_path):
    from shared.db import utcnow
    from tests.helpers.db import new_draw

    draw = new_draw(tmp_path, ticket_count=120, max_pending_per_mobile=5)
    return Shop(draw, utcnow().replace(microsecond=0))


def test_rule_0_settles_the_claiming_booking_when_amounts_are_shared(big_shop):
    shop = big_shop
    share_one_amount(shop)
    claim(shop, 101)
    result = shop.pay(1000, 1, utr=UTR)
    assert (result.outcome, result.rule, result.order_reference) == ("matched", 0, shop.orders[101].reference)
    assert shop.state(101) == "paid" and shop.state(1) == "pending"
    # without a claim the same payment is a guess: nothing confirmed
    other = shop.pay(1000, 2)
    assert (other.outcome, other.rule) == ("ambiguous", None)
    assert shop.state(1) == "pending"
    assert_core_invariants(shop.draw.id)


def test_rule_0_first_even_before_a_unique_amount(shop):
    shop.book("A", [1])  # ₹10.00
    shop.book("B", [2])  # ₹10.01
    claim(shop, "A")
    result = shop.pay(1000, 1, utr=UTR)
    assert (result.rule, result.order_reference) == (0, shop.orders["A"].reference)
    assert Payment.get_by_id(result.payment_id).order_id == shop.orders["A"].order_id


def test_a_claim_with_another_amount_confirms_nothing_and_names_both(shop):
    shop.book("A", [1])  # ₹10.00
    shop.book("B", [2])  # ₹10.01
    claim(shop, "A")
    result = shop.pay(1001, 1, utr=UTR)  # B's amount, A's claimed UTR
    payment = Payment.get_by_id(result.payment_id)
    assert (result.outcome, result.rule, result.confirmed) == (CLAIM_MISMATCH, 0, False)
    assert result.candidates == (shop.orders["A"].reference, shop.orders["B"].reference)
    assert (payment.status, payment.attention_reason, payment.candidate_id) == (
        "attention",
        CLAIM_MISMATCH,
        shop.orders["A"].order_id,
    )
    assert [shop.state(k) for k in "AB"] == ["pending", "pending"]
    assert shop.orders["B"].reference in result.message and shop.orders["A"].reference in result.message
    assert_core_invariants(shop.draw.id)


def test_a_claim_whose_amount_fits_nobody_else_still_confirms_nothing(shop):
    shop.book("A", [1])
    claim(shop, "A")
    result = shop.pay(990, 1, utr=UTR)
    assert (result.outcome, result.candidates) == (CLAIM_MISMATCH, (shop.orders["A"].reference,))
    assert shop.state("A") == "pending"


def test_a_reference_naming_another_booking_confirms_nothing(shop):
    shop.book("A", [1])
    shop.book("B", [2])
    claim(shop, "A")
    result = shop.pay(1000, 1, "B", utr=UTR)
    assert (result.outcome, result.candidates) == (
        CLAIM_MISMATCH,
        (shop.orders["A"].reference, shop.orders["B"].reference),
    )
    assert [shop.state(k) for k in "AB"] == ["pending", "pending"]


def test_rule_0_late_payment_rehold_and_taken_numbers(shop):
    shop.book("A", [1, 2])
    shop.book("B", [3])
    claim(shop, "A", minute=1)
    claim(shop, "B", "412345678902", minute=1)
    late = shop.pay(2000, 15, utr=UTR)  # A expired at 10, numbers still free
    assert (late.outcome, late.rule) == ("late_matched", 0)
    assert shop.state("A") == "paid"
    shop.book("C", [3], minute=16)  # B's number taken since B expired
    assert shop.orders["C"].payable_paise == 1001  # B's ₹10.00 stays reserved for the late window
    taken = shop.pay(1000, 17, utr="412345678902")
    assert (taken.outcome, taken.rule, taken.order_reference) == ("late_taken", 0, shop.orders["B"].reference)
    assert shop.state("B") == "expired"
    assert_core_invariants(shop.draw.id)


def test_a_claimed_utr_recorded_twice_confirms_nothing_twice(shop):
    from shared.errors import DuplicateUTR

    shop.book("A", [1])
    claim(shop, "A")
    assert shop.pay(1000, 1, utr=UTR).rule == 0
    with pytest.raises(DuplicateUTR):
        shop.pay(1000, 2, utr=UTR)
    assert Payment.select().where(Payment.utr == UTR).count() == 1


def test_the_claimed_utr_of_a_booking_paid_otherwise_is_a_possible_double_payment(shop):
    shop.book("A", [1])
    claim(shop, "A")
    first = shop.pay(1000, 1, utr="512345678901")  # paid by the amount, under another UTR
    assert (first.rule, shop.state("A")) == (2, "paid")
    second = shop.pay(1000, 2, utr=UTR)
    payment = Payment.get_by_id(second.payment_id)
    assert (second.outcome, second.rule) == ("double_payment", 0)
    assert (payment.status, payment.candidate_id) == ("attention", shop.orders["A"].order_id)


def test_check_payments_leaves_a_claim_mismatch_alone(shop):
    shop.book("A", [1])
    claim(shop, "A")
    shop.pay(1500, 1, utr=UTR)
    assert check_payments(now=shop.at(2)) == []
    assert shop.state("A") == "pending"


def test_a_booking_of_an_archived_draw_refuses_a_claim(shop, tmp_path):
    from shared.booking import expire_due
    from tests.helpers.db import new_draw

    shop.book("A", [1], minute=-30)
    expire_due(shop.at(0))
    expired_then_archived = shop.orders["A"]
    assert shop.state("A") == "expired"
    new_draw(tmp_path, name="Next Draw")  # archives the old draw; the expired booking stays expired
    with pytest.raises(ClaimRefused) as refused:
        claim_utr(expired_then_archived.session_id, UTR)
    assert refused.value.reason == "archived"
    assert Order.get_by_id(expired_then_archived.order_id).claimed_utr is None


def test_a_utr_claimed_in_an_archived_draw_never_confirms_a_booking_of_the_new_one(shop, tmp_path):
    """The buyer of the old draw handed in the UTR; their money arrives after a new draw began. A
    booking of the new draw with the same amount must not be confirmed by it."""
    from tests.helpers.db import new_draw
    from tests.test_matching import Shop

    shop.book("A", [1])
    claim(shop, "A")
    new_draw(tmp_path, name="Next Draw", price="10")
    fresh = Shop(None, shop.at(5))
    fresh.book("B", [1])
    assert fresh.orders["B"].payable_paise == shop.orders["A"].payable_paise
    result = fresh.pay(1000, 1, utr=UTR)
    assert (result.outcome, result.rule, result.order_reference) == ("other_draw", 0, shop.orders["A"].reference)
    assert not result.confirmed and fresh.state("B") == "pending"
    payment = Payment.get(Payment.utr == UTR)
    assert (payment.status, payment.attention_reason) == ("attention", "other_draw")


def test_a_utr_another_buyer_handed_in_is_not_attached_to_a_quick_mark(shop):
    """A's ₹10.00 was quick-marked; B handed in UTR X. A payment of ₹10.00 with UTR X is not
    taken for A's money seen again: rule 0 weighs B's claim (another amount) and confirms nothing."""
    shop.book("A", [1])  # ₹10.00
    shop.book("B", [2])  # ₹10.01
    quick = record_payment(1000, None, quick=True, now=shop.at(1))
    assert quick.order_reference == shop.orders["A"].reference
    claim(shop, "B", minute=2)
    result = shop.pay(1000, 3, utr=UTR)
    assert result.outcome == CLAIM_MISMATCH and not result.confirmed
    assert sorted(result.candidates) == sorted([shop.orders["A"].reference, shop.orders["B"].reference])
    assert Payment.get_by_id(quick.payment_id).utr_missing and Payment.select().count() == 2
    assert shop.state("B") == "pending"


def test_the_claiming_buyers_own_quick_mark_takes_the_utr(shop):
    shop.book("A", [1])
    claim(shop, "A", minute=1)
    quick = record_payment(1000, None, quick=True, now=shop.at(2))
    result = shop.pay(1000, 3, utr=UTR)
    assert (result.outcome, result.payment_id) == ("utr_attached", quick.payment_id)
    assert Payment.select().count() == 1 and Payment.get_by_id(quick.payment_id).utr == UTR
