"""The main screen and the draw-level screens driven through keys: live refresh (also of what
another process records), toasts, bookings, export, new draw, settings, the buyer-page QR, the
command palette and the layout at 80×24 and on a large terminal."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, ProgressBar

from shared.booking import hold_tickets
from shared.db import utcnow
from shared.draws import current_draw
from shared.models import Draw, Order
from shared.money import parse_amount
from shared.payments import record_payment
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text, until
from tests.helpers.db import new_draw

ROOT = Path(__file__).resolve().parents[2]


def test_main_screen_shows_figures_pending_and_payments(sqlite_draw, sqlite_url):
    paid = hold_tickets("Ravi Kumar", "9876543210", [7, 8])
    record_payment(paid.payable_paise, "512345678901")
    waiting = hold_tickets("Meena Iyer", "9876543211", [12, 13, 14])
    record_payment(parse_amount("7.77"), "612345678901")

    async def scenario():
        app = RecordingApp(sqlite_url, web_url="http://192.168.1.5:8080/")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            dash = app.dashboard
            stats = dash.query_one("#stats").text
            assert "Tickets 100  sold 2  held 3  free 95" in stats
            assert "Paid bookings 1  revenue ₹20.00  pending 1" in stats
            assert "Unmatched 1 · ₹7.77  needs attention 0 · ₹0.00" in stats
            header = str(dash.query_one("#header").content)
            assert "Diwali Mela" in header and "OPEN" in header and "http://192.168.1.5:8080/" in header
            pending = table_rows(dash.query_one("#pending"))
            assert pending[0][:5] == [waiting.reference, "Meena Iyer", "9876543211", "012, 013, 014", "₹30.00"]
            assert pending[0][5].startswith(("9:", "10:"))
            payments = table_rows(dash.query_one("#payments"))
            assert [p[2] for p in payments] == ["612345678901", "512345678901"]
            assert payments[0][3] == "UNMATCHED" and payments[1][3] == f"→ {paid.reference} Ravi Kumar"
            assert app.toasts == []  # nothing new happened since the console opened

    run(scenario)


def test_payment_recorded_by_another_process_shows_within_two_seconds(draw, db_url):
    hold = hold_tickets("Asha", "9876543210", [3])
    script = (
        "import sys; from shared.setup import connect; from shared.payments import record_payment; "
        "from shared.money import parse_amount; "
        "connect(sys.argv[1]); print(record_payment(parse_amount('10.00'), '998877665544', source='cli').outcome)"
    )

    async def scenario():
        app = RecordingApp(db_url, refresh_seconds=1.0)
        async with app.run_test() as pilot:
            await started(pilot)
            assert app.dashboard.query_one("#pending").row_count == 1
            done = subprocess.run(
                [sys.executable, "-c", script, db_url], cwd=ROOT, capture_output=True, text=True, timeout=60
            )
            assert done.stdout.strip() == "matched", done.stderr
            payments = app.dashboard.query_one("#payments")
            await until(
                pilot,
                lambda: any(r[2] == "998877665544" for r in table_rows(payments)),
                timeout=2.0,
                what="the other process's payment on screen",
            )
            assert f"→ {hold.reference} Asha" in table_rows(payments)[0][3]
            await until(
                pilot,
                lambda: app.dashboard.query_one("#pending").row_count == 0,
                timeout=2.0,
                what="the paid booking to leave the pending table",
            )
            assert f"₹10.00 confirmed {hold.reference} (Asha)" in app.toast_text()

    run(scenario)


def test_pending_countdown_and_expired_hold_toast(sqlite_draw, sqlite_url):
    soon = hold_tickets("Priya", "9876543210", [21, 22], now=utcnow() - timedelta(minutes=10) + timedelta(seconds=5))

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            table = app.dashboard.query_one("#pending")
            assert table_rows(table)[0][5] in ("0:05", "0:04", "0:03", "0:02", "0:01")
            await until(pilot, lambda: table.row_count == 0, timeout=10, what="the hold to run out")
            assert f"Hold expired: {soon.reference} (Priya): tickets 021, 022 are free again" in app.toast_text()
            assert app.snapshot.tickets_free == 100

    run(scenario)


def test_bookings_of_current_and_archived_draws(sqlite_draw, sqlite_url, tmp_path):
    old = hold_tickets("Old Buyer", "9876543210", [1])
    record_payment(parse_amount("10.00"), "123123123123")
    new_draw(tmp_path, name="Holi Draw")
    hold_tickets("Asha Verma", "9876543211", [5])
    hold_tickets("Ravi Kumar", "9876543212", [6])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await pilot.press("b")
            await settle(pilot)
            screen = app.screen
            table = screen.query_one("#bookings-table")

            def names():
                return sorted(r[2] for r in table_rows(table))

            await until(pilot, lambda: names() == ["Asha Verma", "Ravi Kumar"], what="the current draw's bookings")
            await type_text(pilot, "ravi")
            await settle(pilot)
            await until(pilot, lambda: names() == ["Ravi Kumar"], what="the search result")
            await pilot.press(*["backspace"] * 4)
            await pilot.press("shift+tab", "shift+tab")  # to the draw chooser
            assert screen.focused.id == "draw-select"
            await pilot.press("enter")
            await pilot.pause(0.2)
            await pilot.press("down", "enter")  # the archived draw, listed second
            await settle(pilot)
            title = screen.query_one("#bookings-title")
            await until(pilot, lambda: "Diwali Mela" in str(title.content), what="the archived draw chosen")
            assert "archived" in str(title.content)
            await until(pilot, lambda: names() == ["Old Buyer"], what="the archived draw's bookings")
            rows = table_rows(table)
            assert [(r[0], r[1], r[2], r[7]) for r in rows] == [(old.reference, "paid", "Old Buyer", "123123123123")]
            await pilot.press("escape")
            assert app.screen is app.dashboard

    run(scenario)


def test_export_shows_progress_and_the_path(sqlite_draw, sqlite_url, tmp_path):
    hold_tickets("Ravi", "9876543210", [1])
    record_payment(parse_amount("10.00"), "512345678901")

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("e")
            dialog = app.screen
            target = Path(dialog.query_one("#path", Input).value)
            assert target.parent == tmp_path / "exports" and target.suffix == ".xlsx"
            await pilot.press("enter")
            await settle(pilot)
            bar = dialog.query_one(ProgressBar)
            assert bar.total and bar.progress == bar.total
            assert dialog.status_text == f"Saved: {target}"
            await pilot.press("escape")
            await settle(pilot)
            assert f"to {target}" in app.dashboard.query_one("#outcome").text
            return target

    run(scenario)
    target = next((tmp_path / "exports").glob("*.xlsx"))
    from openpyxl import load_workbook

    book = load_workbook(target, read_only=True)
    assert {"Summary", "Bookings", "Tickets", "Payments"} <= set(book.sheetnames)


def test_new_draw_validates_then_needs_the_typed_word(sqlite_draw, sqlite_url, tmp_path):
    hold_tickets("Ravi", "9876543210", [1])
    record_payment(parse_amount("10.00"), "512345678901")
    hold_tickets("Sita", "9876543211", [2])  # still pending, and money that fits nothing:
    record_payment(parse_amount("25.00"), "612345678901")  # the dialog names both (issue 10, item 7)
    old_id = sqlite_draw.id

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("n")
            form = app.screen
            await type_text(pilot, "Holi Draw")
            await pilot.press("enter")  # to the ticket count
            await pilot.press(*["backspace"] * 3)
            await type_text(pilot, "250")
            await pilot.press("tab", "tab")  # to the UPI ID
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "not-a-upi-id")
            await pilot.press("ctrl+s")
            assert "is not a UPI ID" in form.status_text
            assert app.screen.focused.id == "payee_vpa"
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "holi@okaxis")
            await pilot.press("ctrl+s")
            confirm = app.screen
            message = str(confirm.query_one("#confirm-message").content)
            assert "“Diwali Mela”" in message and "EXPORTED to Excel" in message and "ARCHIVED" in message
            assert message.startswith("STILL OPEN in it: 1 pending booking, 1 unmatched payment (₹25.00).")
            await pilot.press("enter")  # Enter alone does nothing
            assert app.screen is confirm
            await type_text(pilot, "NEW")
            await pilot.press("enter")
            await settle(pilot, 5)
            assert app.screen is app.dashboard
            text = app.dashboard.query_one("#outcome").text
            assert "New draw “Holi Draw” started: 250 tickets" in text and "archived; exported to" in text
            await until(pilot, lambda: app.snapshot.draw.name == "Holi Draw", what="the new draw on screen")
            assert "Tickets 250  sold 0  held 0  free 250" in app.dashboard.query_one("#stats").text

    run(scenario)
    old = Draw.get_by_id(old_id)
    assert old.state == "archived" and Path(old.export_path).exists()
    draw = current_draw()
    assert (draw.name, draw.ticket_count, draw.payee_vpa, draw.price_paise) == ("Holi Draw", 250, "holi@okaxis", 1000)


def test_new_draw_whose_export_fails_is_not_started_twice(sqlite_draw, sqlite_url, tmp_path, monkeypatch):
    import shared.new_draw
    from shared.errors import ExportFailed

    def broken(*args, **kwargs):
        raise ExportFailed("Cannot write the export: disk full.")

    monkeypatch.setattr(shared.new_draw, "export_draw", broken)

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("n")
            await type_text(pilot, "Holi Draw")
            await pilot.press("ctrl+s")
            await type_text(pilot, "NEW")
            await pilot.press("enter")
            await settle(pilot, 5)
            assert app.screen is app.dashboard  # the form is gone: nothing to retry
            text = app.dashboard.query_one("#outcome").text
            assert "New draw “Holi Draw” started" in text and "“Diwali Mela” archived" in text
            assert "its export failed: Cannot write the export: disk full." in text
            assert ("New draw", "warning") in [(t, sev) for t, _, sev in app.toasts]

    run(scenario)
    assert [d.name for d in Draw.select().order_by(Draw.id)] == ["Diwali Mela", "Holi Draw"]
    assert current_draw().name == "Holi Draw"


def test_first_run_opens_the_new_draw_form(sqlite_db, sqlite_url, tmp_path):
    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            form = app.screen
            assert type(form).__name__ == "NewDrawScreen" and "first draw" in form.query_one(".dialog").border_title
            await type_text(pilot, "Diwali Mela")
            for field, text in (("payee_vpa", "asha@okicici"), ("payee_name", "Asha Stores")):
                form.query_one(f"#{field}").focus()
                await type_text(pilot, text)
            await pilot.press("ctrl+s")  # no old draw: no confirmation needed
            await settle(pilot, 5)
            assert app.screen is app.dashboard
            await until(pilot, lambda: app.snapshot.draw is not None, what="the draw on screen")
            assert "Tickets 500  sold 0  held 0  free 500" in app.dashboard.query_one("#stats").text

    run(scenario)
    draw = current_draw()
    assert (draw.name, draw.ticket_count, draw.price_paise, draw.hold_minutes, draw.max_per_order) == (
        "Diwali Mela",
        500,
        500,
        10,
        20,
    )


def test_settings_change_the_current_draw(sqlite_draw, sqlite_url):
    hold_tickets("Ravi", "9876543210", [1])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("t")
            dialog = app.screen
            assert app.screen.focused.id == "name"  # the first field (issue 10 item 14)
            dialog.query_one("#payee_vpa").focus()
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "newid@oksbi")
            dialog.query_one("#price").focus()
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "12")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "price cannot change once bookings exist" in dialog.status_text
            assert app.screen.focused.id == "price"
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "10")
            dialog.query_one("#hold_minutes").focus()
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "15")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is app.dashboard
            assert "Settings of “Diwali Mela” saved." in app.dashboard.query_one("#outcome").text

    run(scenario)
    draw = current_draw()
    assert (draw.payee_vpa, draw.hold_minutes, draw.price_paise) == ("newid@oksbi", 15, 1000)


def test_buyer_page_address_and_qr(sqlite_draw, sqlite_url):
    from shared.upi import qr_text

    async def scenario():
        app = RecordingApp(sqlite_url, web_url="http://192.168.1.5:8080/")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("w")
            screen = app.screen
            assert str(screen.query_one("#share-url").content) == "http://192.168.1.5:8080/"
            qr = screen.query_one("#share-qr")
            assert str(qr.content) == qr_text("http://192.168.1.5:8080/")
            assert qr.styles.color.hex == "#000000" and qr.styles.background.hex == "#FFFFFF"
            lines = qr_text("http://192.168.1.5:8080/").splitlines()
            assert qr.region.bottom <= 24 and qr.region.height == len(lines) + 2  # with a light margin
            assert qr.region.width == len(lines[0]) + 4
            await pilot.press("escape")
            assert app.screen is app.dashboard

        app = RecordingApp(sqlite_url, web_url="")
        async with app.run_test() as pilot:
            await started(pilot)
            assert "web not started here" in str(app.dashboard.query_one("#header").content)
            await pilot.press("w")
            assert "not running from this console" in str(app.screen.query_one("#share-url").content)

    run(scenario)


def test_command_palette_runs_actions(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("ctrl+p")
            await type_text(pilot, "quick mark")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "QuickMarkScreen"

    run(scenario)


def test_layout_at_80x24_and_on_a_large_terminal(sqlite_draw, sqlite_url):
    for n in range(8):
        hold_tickets(f"Buyer {n}", f"98765432{n:02d}", [n + 1])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            dash = app.dashboard
            for name in ("#header", "#stats", "#outcome", "#pending", "#payments"):
                region = dash.query_one(name).region
                assert region.width and region.height and region.right <= 80 and region.bottom <= 23, name
            pending, payments = dash.query_one("#pending").region, dash.query_one("#payments").region
            assert pending.bottom <= payments.y  # stacked
            assert pending.height >= 7  # header + at least 4 rows
            assert not dash.query_one("#sales").display  # no room for the sparkline
            footer = dash.query_one("Footer")
            assert footer.region.y == 23
            await pilot.resize_terminal(200, 50)
            await pilot.pause()
            pending, payments = dash.query_one("#pending").region, dash.query_one("#payments").region
            assert pending.y == payments.y and pending.right <= payments.x  # side by side
            assert pending.height >= 30 and dash.query_one("#pending").row_count == 8
            assert dash.query_one("#sales").display and dash.query_one("#sales-sparkline").region.width > 0

    run(scenario)


def test_a_failed_refresh_is_shown_and_the_console_keeps_trying(sqlite_draw, sqlite_url, monkeypatch):
    from peewee import OperationalError

    import console.app

    real, calls = console.app.take_snapshot, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(console.app, "take_snapshot", flaky)
    from console.widgets.draw_header import DrawHeader

    shown = []  # every header drawn: the problem stays only until the next refresh
    real_show = DrawHeader.show
    monkeypatch.setattr(DrawHeader, "show", lambda self, s: real_show(self, s) or shown.append(str(self.content)))

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            header = app.dashboard.query_one("#header")
            await until(
                pilot,
                lambda: any("database: OperationalError: database is locked" in text for text in shown),
                what="the problem in the header",
            )
            await until(pilot, lambda: "database:" not in str(header.content), what="the next good refresh")
            assert len(calls) >= 3

    run(scenario)


def test_enter_on_a_pending_booking_starts_its_payment(sqlite_draw, sqlite_url):
    hold = hold_tickets("Meena", "9876543211", [12])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("enter")
            dialog = app.screen
            assert dialog.query_one("#amount", Input).value == "10.00"
            assert dialog.query_one("#reference", Input).value == hold.reference
            assert app.screen.focused.id == "utr"
            await type_text(pilot, "123412341234")
            await pilot.press("enter")
            await settle(pilot)
            assert f"confirmed booking {hold.reference} by its reference" in app.dashboard.query_one("#outcome").text

    run(scenario)
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_a_client_holding_a_large_share_is_flagged_and_released_with_one_key(sqlite_url, tmp_path):
    from shared import setup

    setup.connect(sqlite_url)
    new_draw(tmp_path, ticket_count=100, max_per_order=10)
    attacker = "203.0.113.50"
    for i in range(3):
        hold_tickets(f"Bot {i}", f"98{i:08d}", list(range(i * 10 + 1, i * 10 + 11)), client_key=attacker)
    other = hold_tickets("Asha", "7000000001", [90], client_key="198.51.100.1")
    app = RecordingApp(sqlite_url)

    async def scenario():
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            warning = app.screen.query_one("#holds-warning")
            assert warning.display
            line = str(warning.render())
            assert f"Client {attacker} hold 30 tickets (30%) in 3 bookings" in line
            assert "Mobiles 98000… hold 30 tickets" in line
            assert "Press x on one of its bookings" in line
            await pilot.press("x")  # the cursor is on the first pending booking: the attacker's
            await until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmScreen", what="the dialog")
            assert "3 pending bookings with 30 tickets" in str(app.screen.query_one("#confirm-message").render())
            await pilot.press("y")
            await until(pilot, lambda: any(t == "Release" for t, _, _ in app.toasts), what="the outcome")
            assert (
                "Release",
                f"Released 3 bookings of client {attacker}: 30 tickets are free again.",
                "information",
            ) in (app.toasts)
            await until(pilot, lambda: not warning.display, what="the warning to go")
            assert [r.reference for r in app.snapshot.pending] == [other.reference]

    run(scenario)
    assert Order.select().where(Order.client_key == attacker, Order.state == "cancelled").count() == 3


def test_new_draw_form_clamps_the_default_and_names_the_field(sqlite_db, sqlite_url, tmp_path):
    """Issue 10, item 9: a 10-ticket first draw needs no max-per-order change; a refusal names the field."""

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            form = app.screen
            await type_text(pilot, "Small Draw")
            form.query_one("#ticket_count").value = "10"
            form.query_one("#payee_vpa").value = "a@okaxis"
            form.query_one("#payee_name").value = "Asha Stores"
            await pilot.press("ctrl+s")
            assert form.status_text.startswith("UPI ID: 'a@okaxis' is not a UPI ID: the part before @ must be")
            assert app.screen.focused.id == "payee_vpa"
            form.query_one("#payee_vpa").value = "asha@okaxis"
            await pilot.press("ctrl+s")
            await settle(pilot, 5)
            assert app.screen is app.dashboard

    run(scenario)
    assert (current_draw().ticket_count, current_draw().max_per_order) == (10, 10)
