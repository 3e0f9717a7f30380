"""The console's bank-statement screen: preview changes nothing, import confirms, and everything
from the file is shown as literal text."""

import sys
from datetime import timedelta
from pathlib import Path

from textual.widgets import Button, DataTable, Input, ProgressBar, Static

from shared.booking import hold_tickets
from shared.models import Order, Payment
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, until

sys.path.insert(0, str(Path(__file__).parents[1] / "statements"))
from statement_files import Txn, write
from test_statement_import import ist_now


def test_preview_then_import_from_the_console(sqlite_draw, sqlite_url, tmp_path):
    booking = hold_tickets("Asha", "9876543210", [1])
    at = ist_now() + timedelta(seconds=5)
    txns = [
        Txn(at, booking.payable_paise, utr="412345678901", name="ASHA", vpa="asha@okaxis", note=booking.reference),
        Txn(at, 50000, credit=False, narration="NEFT DR-RENT"),
        Txn(at, 77700, narration="CASH [bold red]LOUD[/] \x1b[2J"),
    ]
    path = write(tmp_path / "statement.xls", "hdfc", "html", txns)

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(130, 40)) as pilot:
            await started(pilot)
            await pilot.press("r")
            dialog = app.screen
            assert dialog.query_one("#import", Button).disabled
            dialog.query_one("#path", Input).value = str(path)
            await pilot.press("enter")
            await settle(pilot)
            await until(pilot, lambda: "Preview" in dialog.status_text, timeout=30, what="preview")
            rows = table_rows(dialog.query_one("#rows", DataTable))
            assert rows[0][4] == f"confirm {booking.reference}" and rows[1][4] == "debit skipped"
            assert rows[2][4].startswith("unmatched")
            assert Order.get(Order.reference == booking.reference).state == "pending"
            assert not Payment.select().exists()
            await pilot.click("#import")
            await settle(pilot)
            await until(pilot, lambda: "Imported" in dialog.status_text, timeout=30, what="import")
            bar = dialog.query_one(ProgressBar)
            assert bar.total and bar.progress == bar.total
            assert Order.get(Order.reference == booking.reference).state == "paid"
            assert "Everything agrees" in str(dialog.query_one("#audit", Static).content)
            await pilot.press("escape")
            await settle(pilot)
            assert "1 confirmed a booking" in app.dashboard.query_one("#outcome").text

    run(scenario)
    note = Payment.get(Payment.amount_paise == 77700).note
    assert "[bold red]LOUD[/]" in note  # kept as the bank wrote it


def test_narration_markup_is_shown_literally(sqlite_draw, sqlite_url, tmp_path):
    txns = [Txn(ist_now() + timedelta(seconds=5), 77700, narration="CASH [bold red]LOUD[/] [link=x]y[/link]")]
    path = write(tmp_path / "s.csv", "generic", "csv", txns)

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(130, 40)) as pilot:
            await started(pilot)
            await pilot.press("r")
            dialog = app.screen
            dialog.query_one("#path", Input).value = str(path)
            await pilot.press("enter")
            await settle(pilot)
            await until(pilot, lambda: "Preview" in dialog.status_text, timeout=30, what="preview")
            cell = dialog.query_one("#rows", DataTable).get_row_at(0)[5]
            assert "[bold red]LOUD[/]" in cell.plain and not cell.spans

    run(scenario)


def test_a_bad_file_is_one_line_in_the_dialog(sqlite_draw, sqlite_url, tmp_path):
    bad = tmp_path / "statement.pdf"
    bad.write_bytes(b"%PDF-1.4")

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(130, 40)) as pilot:
            await started(pilot)
            await pilot.press("r")
            dialog = app.screen
            dialog.query_one("#path", Input).value = str(bad)
            await pilot.press("enter")
            await settle(pilot)
            await until(pilot, lambda: "is a PDF" in dialog.status_text, timeout=30, what="refusal")
            assert dialog.query_one("#import", Button).disabled

    run(scenario)
