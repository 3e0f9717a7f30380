"""Money actions driven through keys: add payment (typed and from a pasted SMS), quick mark, check
payments, assign by hand, resolve needs attention, cash sale. Each asserts on the database and on
what the organiser sees."""

from datetime import timedelta

from textual import events
from textual.widgets import Input

from shared.booking import hold_tickets
from shared.db import utcnow
from shared.fields import ticket_list_text
from shared.models import Order, Payment
from shared.money import parse_amount
from shared.payments import record_payment
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text, until


def outcome(app) -> str:
    return app.dashboard.query_one("#outcome").text


def test_add_payment_confirms_the_booking(draw, db_url):
    hold = hold_tickets("Ravi Kumar", "9876543210", [7, 8])

    async def scenario():
        app = RecordingApp(db_url)
        async with app.run_test() as pilot:
            await started(pilot)
            assert table_rows(app.dashboard.query_one("#pending"))[0][:2] == [hold.reference, "Ravi Kumar"]
            await pilot.press("a")
            await type_text(pilot, "20.00")
            preview = str(app.screen.query_one("#preview").content)
            assert preview == f"Fits pending booking {hold.reference}: Ravi Kumar; tickets 007, 008."
            await pilot.press("tab")
            await type_text(pilot, "512345678901")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is app.dashboard
            assert f"confirmed booking {hold.reference}" in outcome(app)
            assert "Ravi Kumar; tickets 007, 008" in outcome(app)
            await until(pilot, lambda: app.dashboard.query_one("#pending").row_count == 0, what="pending row gone")
            await app.wait_for_refresh()
            assert [t[0] for t in app.toasts] == ["Payment matched"]  # once, not again by the refresh
            row = table_rows(app.dashboard.query_one("#payments"))[0]
            assert row[1:3] == ["₹20.00", "512345678901"] and hold.reference in row[3]

    run(scenario)
    order = Order.get(Order.reference == hold.reference)
    payment = Payment.get(Payment.utr == "512345678901")
    assert order.state == "paid" and payment.order_id == order.id and payment.source == "manual"


def test_add_payment_refuses_bad_input_and_changes_nothing(sqlite_draw, sqlite_url):
    record_payment(parse_amount("12.00"), "512345678901")

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("a")
            dialog = app.screen
            await type_text(pilot, "ten")
            await pilot.press("enter")
            assert "not an amount" in dialog.status_text
            assert app.screen.focused.id == "amount"
            await pilot.press(*["backspace"] * 3)
            await type_text(pilot, "10")
            await pilot.press("tab")
            await pilot.press("enter")
            assert "UTR must be exactly 12 digits" in dialog.status_text and "quick mark" in dialog.status_text
            await type_text(pilot, "512345678901")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            assert "512345678901 was already recorded" in dialog.status_text
            await pilot.press("escape")
            assert app.screen is app.dashboard

    run(scenario)
    assert Payment.select().count() == 1


def test_payment_that_fits_no_booking_is_kept_unmatched(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("a")
            await type_text(pilot, "33.33")
            assert "No pending booking is for ₹33.33" in str(app.screen.query_one("#preview").content)
            await pilot.press("tab")
            await type_text(pilot, "612345678901")
            await pilot.press("enter")
            await settle(pilot)
            assert "matches no booking; it is kept as UNMATCHED" in outcome(app)
            await until(pilot, lambda: app.snapshot.unmatched_count == 1, what="unmatched count")
            assert "UNMATCHED" in table_rows(app.dashboard.query_one("#payments"))[0][3]
            assert "Unmatched 1 · ₹33.33" in app.dashboard.query_one("#stats").text

    run(scenario)
    assert Payment.get(Payment.utr == "612345678901").status == "unmatched"


SMS = "Rs.20.00 credited to a/c XX22 on 07/08/24. Info: UPI/CR/421987654321/SUNITA DEVI/ICICI/sunita@okicici"


def test_pasted_sms_fills_the_fields_for_a_check_before_saving(sqlite_draw, sqlite_url):
    hold = hold_tickets("Sunita Devi", "9876543210", [1, 2])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("s")
            dialog = app.screen
            assert app.screen.focused.id == "sms"
            app.post_message(events.Paste(SMS))
            await pilot.pause()
            assert dialog.query_one("#sms").text == SMS
            values = {n: dialog.query_one(f"#{n}", Input).value for n in ("amount", "utr", "payer")}
            assert values == {"amount": "20.00", "utr": "421987654321", "payer": "SUNITA DEVI"}
            assert "Check, then press ctrl+s" in dialog.status_text
            assert Payment.select().count() == 0  # nothing saved before the organiser looks
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is app.dashboard
            assert f"confirmed booking {hold.reference}" in outcome(app)

    run(scenario)
    payment = Payment.get(Payment.utr == "421987654321")
    assert payment.source == "sms" and payment.payer == "SUNITA DEVI" and payment.payer_vpa == "sunita@okicici"
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_sms_that_cannot_be_read_says_why_and_fills_nothing(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("s")
            dialog = app.screen
            app.post_message(events.Paste(SMS))
            await pilot.pause()
            assert dialog.query_one("#utr", Input).value == "421987654321"
            debit = "Rs 500.00 debited from A/c XX1234 on 01-01-25. UPI Ref 412345678901."
            app.post_message(events.Paste(debit))
            await pilot.pause()
            assert dialog.query_one("#sms").text == debit  # the paste replaced the old SMS
            assert "SMS not read: This is a debit message" in dialog.status_text
            assert [dialog.query_one(f"#{n}", Input).value for n in ("amount", "utr", "payer")] == ["", "", ""]
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is dialog and "Please enter an amount" in dialog.status_text

    run(scenario)
    assert Payment.select().count() == 0


def test_quick_mark_records_without_utr_and_flags_it(sqlite_draw, sqlite_url):
    hold = hold_tickets("Meena", "9876543211", [12])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("m")
            await type_text(pilot, "10")
            await pilot.press("enter")
            await settle(pilot)
            assert f"confirmed booking {hold.reference}" in outcome(app)
            await until(pilot, lambda: app.dashboard.query_one("#payments").row_count == 1, what="payment row")
            assert table_rows(app.dashboard.query_one("#payments"))[0][2] == "NO UTR"

    run(scenario)
    payment = Payment.get()
    assert payment.utr_missing and payment.source == "quick" and payment.utr.startswith("NOUTR-")
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_check_payments_matches_a_payment_that_raced_its_booking(sqlite_draw, sqlite_url):
    now = utcnow()
    # The payment was recorded a moment before the booking's transaction (stamped earlier) landed.
    early = record_payment(parse_amount("10.00"), "712345678901", now=now)
    assert early.outcome == "unmatched"
    hold = hold_tickets("Arun", "9876543212", [9], now=now - timedelta(seconds=1))
    record_payment(parse_amount("55.55"), "812345678901")  # stays unmatched

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert outcome(app) == (f"Checked 2 unmatched payments: 1 confirmed ({hold.reference}), 1 still need you.")

    run(scenario)
    assert Order.get(Order.reference == hold.reference).state == "paid"
    assert Payment.get(Payment.utr == "712345678901").status == "matched"
    assert Payment.get(Payment.utr == "812345678901").status == "unmatched"


def test_assign_an_unmatched_payment_by_hand(sqlite_draw, sqlite_url):
    hold = hold_tickets("Sunita Devi", "9988776655", [4, 5])
    record_payment(parse_amount("15.00"), "912345678901")  # less than the ₹20.00 due: fits nothing

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await pilot.press("u")
            await settle(pilot)
            resolve = app.screen
            rows = table_rows(resolve.query_one("#open-payments"))
            assert len(rows) == 1 and rows[0][2] == "912345678901" and "UNMATCHED" in rows[0][3]
            await pilot.press("a")
            await settle(pilot)
            picker = app.screen
            assert picker.query_one("#search", Input).value == ""  # not the amount, which fits no booking
            assert picker.query_one("#picker-table").row_count == 1  # every booking it could go on
            await type_text(pilot, "99887")  # by mobile
            await settle(pilot)
            assert [r[0] for r in table_rows(picker.query_one("#picker-table"))] == [hold.reference]
            await pilot.press("enter")  # the one match is picked
            await settle(pilot)
            assert "less than booking" in app.screen.query_one("#confirm-message").content
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is resolve
            assert f"assigned to booking {hold.reference}" in resolve.status_text
            assert "Nothing left to sort out" in resolve.status_text
            await pilot.press("escape")
            await settle(pilot)
            assert f"assigned to booking {hold.reference}" in outcome(app)

    run(scenario)
    payment = Payment.get(Payment.utr == "912345678901")
    assert payment.status == "matched" and payment.order.reference == hold.reference
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_needs_attention_refund_and_move(sqlite_draw, sqlite_url):
    first = hold_tickets("Ravi", "9876543210", [1])
    record_payment(parse_amount("10.00"), "111111111111")
    double = record_payment(parse_amount("10.00"), "222222222222")  # paid twice: needs attention
    assert double.outcome == "double_payment"
    other = hold_tickets("Kiran", "9876543219", [2])  # ₹10.01: a different booking
    record_payment(parse_amount("10.00"), "333333333333")  # again a double payment

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            payments = table_rows(app.dashboard.query_one("#payments"))
            assert payments[0][3] == f"NEEDS ATTENTION {first.reference}"
            await pilot.press("u")
            await settle(pilot)
            resolve = app.screen
            rows = table_rows(resolve.query_one("#open-payments"))
            assert [r[2] for r in rows] == ["333333333333", "222222222222"]
            assert rows[0][3] == f"NEEDS ATTENTION paid twice {first.reference}"
            await pilot.press("r")  # newest first: 3333…
            await pilot.press("n")  # not yet
            await settle(pilot)
            assert Payment.get(Payment.utr == "333333333333").status == "attention"
            await pilot.press("r")
            await pilot.press("y")
            await settle(pilot)
            assert "(UTR 333333333333) marked refunded" in resolve.status_text
            assert [r[2] for r in table_rows(resolve.query_one("#open-payments"))] == ["222222222222"]
            await pilot.press("a")  # move 2222… to Kiran's booking
            await settle(pilot)
            await type_text(pilot, "Kiran")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "₹10.00 is less than booking" in app.screen.query_one("#confirm-message").content
            await pilot.press("y")  # ₹10.01 due: one paisa short, confirm
            await settle(pilot)
            assert f"assigned to booking {other.reference}" in resolve.status_text

    run(scenario)
    assert Payment.get(Payment.utr == "333333333333").status == "refunded"
    moved = Payment.get(Payment.utr == "222222222222")
    assert moved.status == "matched" and moved.order.reference == other.reference
    assert Order.get(Order.reference == other.reference).state == "paid"


def test_cash_sale(sqlite_draw, sqlite_url):
    hold_tickets("Holder", "9876543210", [7])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("k")
            dialog = app.screen
            await type_text(pilot, "Lakshmi")
            await pilot.press("tab")
            await type_text(pilot, "98765 43219")
            await pilot.press("tab")
            await type_text(pilot, "7, 8")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and "Ticket 007 was just taken" in dialog.status_text
            await pilot.press(*["backspace"] * 4)
            await type_text(pilot, "8 9 10")
            assert "3 tickets: collect ₹30.00 in cash" in str(dialog.query_one("#total").content)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is app.dashboard and "Cash sale: 3 tickets for Lakshmi" in outcome(app)
            await until(pilot, lambda: app.dashboard.query_one("#payments").row_count == 1, what="cash row")
            assert table_rows(app.dashboard.query_one("#payments"))[0][2] == "CASH"

    run(scenario)
    order = Order.get(Order.name == "Lakshmi")
    assert order.state == "paid" and order.source == "cash" and ticket_list_text(order.tickets) == "8,9,10"
    assert order.mobile == "9876543219"


def test_booking_search_shows_the_results_of_what_is_typed_now(sqlite_draw, sqlite_url, monkeypatch):
    import time

    import console.screens.booking_picker as picker_module

    asha = hold_tickets("Asha Verma", "9876543210", [1])
    hold_tickets("Ravi Kumar", "9876543211", [2])
    record_payment(parse_amount("15.00"), "912345678901")
    real = picker_module.search_bookings

    def slow_when_blank(draw_id, text, **kwargs):
        if not text:
            time.sleep(0.6)  # the search for everything finishes after the later, narrower one
        return real(draw_id, text, **kwargs)

    monkeypatch.setattr(picker_module, "search_bookings", slow_when_blank)

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await pilot.press("u")
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            await pilot.press(*["backspace"] * 5)
            await type_text(pilot, "asha")
            await settle(pilot)
            assert [r[0] for r in table_rows(app.screen.query_one("#picker-table"))] == [asha.reference]

    run(scenario)
