"""The rough edges a real organiser hit in the console, each driven through keys: the search key in
Bookings, where Settings opens, the assign screen's search, the typed confirmation word, the
one-prize-per-buyer checkbox, the footer at 80×24 and the keys panel, the payments table at 100
columns, and the focused field in dialogs."""

from textual.widgets import Checkbox, Input

from shared.booking import hold_tickets
from shared.draws import current_draw
from shared.models import Order
from shared.payments import record_payment
from shared.winner_draw import close_sales
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text, until

FIXED_REFERENCE = "LD-7K3Q2P"  # a known reference, so the partial search does not depend on chance


def test_slash_in_bookings_goes_to_the_search_without_typing_a_slash(sqlite_draw, sqlite_url):
    hold_tickets("Asha", "9876543210", [1])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("b")
            screen = app.screen
            search = screen.query_one("#bookings-search", Input)
            await type_text(pilot, "As")
            await pilot.press("slash")
            assert search.value == "As" and screen.focused is search
            screen.query_one("#bookings-table").focus()
            await pilot.press("slash")
            assert screen.focused is search and search.value == "As"

    run(scenario)


def test_settings_open_on_the_first_field(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("t")
            await settle(pilot)
            assert app.screen.focused.id == "name"
            await pilot.press("tab")
            assert app.screen.focused.id == "ticket_count"  # Tab walks the form top to bottom

    run(scenario)


def test_assign_opens_with_every_booking_and_finds_a_reference_typed_without_ld(sqlite_draw, sqlite_url):
    first = hold_tickets("Asha", "9876543210", [1])
    Order.update(reference=FIXED_REFERENCE).where(Order.reference == first.reference).execute()
    hold_tickets("Ravi", "9876543211", [2])
    record_payment(777, "512345678901")  # ₹7.77 matches no booking's amount

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot)
            await pilot.press("u")
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            picker = app.screen
            search = picker.query_one("#search", Input)
            table = picker.query_one("#picker-table")
            assert search.value == ""
            await until(pilot, lambda: table.row_count == 2, what="both bookings offered")
            await type_text(pilot, "7k3q")
            await until(pilot, lambda: table.row_count == 1, what="the booking by part of its reference")
            assert table_rows(table)[0][0] == FIXED_REFERENCE
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "Rav")  # names are still found as before
            await until(pilot, lambda: table.row_count == 1 and table_rows(table)[0][2] == "Ravi", what="Ravi")

    run(scenario)


def test_the_confirmation_word_in_lower_case_starts_the_new_draw(sqlite_draw, sqlite_url, tmp_path):
    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("n")
            await type_text(pilot, "Holi Draw")
            await pilot.press("ctrl+s")
            confirm = app.screen
            await type_text(pilot, "nwe")
            await pilot.press("enter")  # a wrong word says what to type
            assert app.screen is confirm
            assert "Type NEW (and Enter) to go ahead" in str(confirm.query_one("#confirm-hint").content)
            await pilot.press(*["backspace"] * 3)
            await type_text(pilot, "new")
            await pilot.press("enter")
            await settle(pilot, 5)
            assert app.screen is app.dashboard

    run(scenario)
    assert current_draw().name == "Holi Draw"


def test_one_prize_per_buyer_says_whether_it_is_on(sqlite_draw, sqlite_url):
    close_sales()

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            box = app.screen.query_one("#one-per-buyer", Checkbox)
            before = str(box.label)
            box.focus()
            await pilot.press("space")
            await pilot.pause()
            after = str(box.label)
            assert {before.split(" (")[0], after.split(" (")[0]} == {
                "One prize per buyer: ON",
                "One prize per buyer: OFF",
            }
            assert ("ON" in after) == box.value

    run(scenario)


def test_footer_fits_80x24_and_the_keys_panel_lists_the_console_keys_first(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            keys = [k for k in app.dashboard.query("FooterKey") if k.display]
            shown = {k.description for k in keys}
            assert {"Pay", "SMS", "Unmatched", "Bookings", "All keys", "Quit", "Draw", "Inbox"} <= shown
            assert all(0 <= k.region.x and k.region.right <= 80 and k.region.width > 0 for k in keys)
            await pilot.press("question_mark")
            await pilot.pause()
            lines = app.screen.query_one("KeysPanel").text.splitlines()
            assert lines[0] == "a Pay"
            for key in ("m Quick mark (no UTR)", "c Check payments", "k Cash sale", "t Settings", "n New draw"):
                assert key in lines  # every key the footer has no room for
            cursor = next(i for i, line in enumerate(lines) if "Cursor up" in line)
            assert cursor > lines.index("h Hooks")  # the app's keys before the cursor keys
            await pilot.press("question_mark")
            await pilot.pause()
            assert not app.screen.query("KeysPanel")

    run(scenario)


def test_payer_and_utr_are_shown_in_full_at_100_columns(sqlite_draw, sqlite_url):
    hold = hold_tickets("Meena", "9876543210", [1])
    record_payment(hold.payable_paise, "512345678901", payer="Meena Iyer Krishnan")

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            table = app.dashboard.query_one("#payments")
            await pilot.pause()
            widths = {str(key.value): column.width for key, column in table.columns.items()}
            assert widths["payer"] >= len("Meena Iyer Krishnan") and widths["utr"] >= 12
            assert table.region.right <= 100 and table.virtual_size.width <= table.size.width

    run(scenario)


def test_the_focused_field_of_a_dialog_is_marked_with_its_label(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("t")
            await settle(pilot)
            labels = list(app.screen.query(".form Label"))

            def lit():
                return [str(label.content) for label in labels if label.has_class("focused-label")]

            assert lit() == ["Draw name"]
            lit_style = labels[0].rich_style
            assert lit_style != labels[1].rich_style and lit_style.bgcolor != labels[1].rich_style.bgcolor
            await pilot.press("tab")
            assert lit() == ["Tickets"]

    run(scenario)
