"""The console's reads: one refresh agrees with the statistics module, and booking search finds
by reference, name, mobile and amount."""

from datetime import timedelta

from console.snapshot import search_bookings, take_snapshot, ticket_labels, time_left
from shared.booking import cancel_order, hold_tickets
from shared.db import utcnow
from shared.money import parse_amount
from shared.payments import record_payment, sell_cash
from shared.stats import draw_stats


def test_snapshot_agrees_with_draw_stats(draw):
    paid = hold_tickets("Ravi Kumar", "9876543210", [1, 2])
    record_payment(paid.payable_paise, "111122223333")
    hold_tickets("Meena", "9876543211", [3])
    gone = hold_tickets("Gone", "9876543212", [4])
    cancel_order(gone.reference)
    record_payment(parse_amount("7.77"), "444455556666")  # unmatched
    record_payment(paid.payable_paise, "777788889999")  # double payment: needs attention
    sell_cash("Cash Buyer", "9876543213", "10, 11, 12")
    snap, stats = take_snapshot(), draw_stats()
    assert (
        (snap.tickets_total, snap.tickets_sold, snap.tickets_held, snap.tickets_free)
        == (stats.tickets_total, stats.tickets_sold, stats.tickets_held, stats.tickets_free)
        == (100, 5, 1, 94)
    )
    assert (snap.paid_bookings, snap.pending_count, snap.revenue_paise) == (
        stats.paid_bookings,
        stats.pending_orders,
        stats.revenue_paise,
    )
    assert (snap.unmatched_count, snap.unmatched_paise) == (stats.unmatched_count, stats.unmatched_paise) == (1, 777)
    assert (snap.attention_count, snap.attention_paise) == (stats.attention_count, stats.attention_paise)
    assert snap.attention_count == 1
    assert sum(snap.sales) == 5
    assert [r.name for r in snap.pending] == ["Meena"]
    by_utr = {p.utr: p for p in snap.payments}
    assert by_utr["111122223333"].order_reference == paid.reference
    assert by_utr["444455556666"].status == "unmatched"
    assert by_utr["777788889999"].status == "attention"
    assert by_utr["777788889999"].candidate_reference == paid.reference
    assert any(p.source == "cash" and p.utr_missing for p in snap.payments)


def test_snapshot_leaves_out_lapsed_holds(sqlite_draw):
    hold_tickets("Late", "9876543210", [5], now=utcnow() - timedelta(minutes=11))
    snap = take_snapshot()
    assert snap.pending == () and snap.pending_count == 0 and snap.tickets_held == 0 and snap.tickets_free == 100


def test_snapshot_without_a_draw(sqlite_db):
    snap = take_snapshot()
    assert snap.draw is None and snap.pending == () and snap.payments == ()


def test_search_bookings_by_reference_name_mobile_amount(sqlite_draw):
    asha = hold_tickets("Asha Verma", "9876543210", [1])
    ravi = hold_tickets("Ravi Kumar", "9123456789", [2, 3])
    draw_id = sqlite_draw.id

    def refs(text, **kw):
        return [row.reference for row in search_bookings(draw_id, text, **kw)[0]]

    assert refs(asha.reference) == [asha.reference]
    assert refs(asha.reference.lower().replace("-", " ")) == [asha.reference]
    assert refs("asha") == [asha.reference]
    assert refs("91234") == [ravi.reference]
    assert refs("+91 91234 56789") == [ravi.reference]
    assert refs("20") == [ravi.reference]  # ₹20.00 payable
    assert refs("₹10.00") == [asha.reference]
    assert refs("") == [ravi.reference, asha.reference]
    assert refs("", states=("paid",)) == []
    assert search_bookings(draw_id, "nobody")[1] == 0


def test_labels_and_countdown():
    assert ticket_labels([7, 8, 9], 3) == "007, 008, 009"
    assert ticket_labels(range(1, 20), 3, 18) == "001, 002, 003 +16"
    now = utcnow()
    assert time_left(now + timedelta(seconds=598), now) == "9:58"
    assert time_left(now - timedelta(seconds=5), now) == "0:00"
