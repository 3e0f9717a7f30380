"""What a hostile buyer (or an unsigned hook) can type never crashes or fools the console: names,
payer names, SMS bodies and senders that look like Textual/Rich markup or carry terminal control
sequences are shown as the literal characters they are, on every screen that shows them and on
every line the command line prints."""

import json
import sys
import time
from pathlib import Path

import pytest
from rich.text import Text

from console.safe_text import literal, visible
from shared import intake
from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.payments import record_payment
from shared.winner_draw import close_sales, draw_winners, set_prizes
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, until

# Names the booking form accepts: each crashed the console, drew a live link, or styled a cell.
HOSTILE_NAMES = (
    "x[/]",
    "Asha [/bold]",
    "[link=http://evil.example]Refund here[/link]",
    "[on green]PAID[/]",
    "[@click=app.quit]Quit[/]",
    ":warning: [b]boss",
)
# Control characters the booking form refuses, stored straight in the database: data from before
# that rule, or from any path around it, must not reach the terminal either.
CONTROL_NAME = "Ravi\x1b]0;pwned\x07\x1b[2J"
CONTROL_SHOWN = "Ravi\\x1b]0;pwned\\x07\\x1b[2J"
SMS_BODY = "Rs.10.00 credited \x1b]0;pwned\x07 [/] [link=http://evil.example]Refund[/link]"
ROOT = Path(__file__).resolve().parents[2]
SMS_SHOWN = "Rs.10.00 credited \\x1b]0;pwned\\x07 [/] [link=http://evil.example]Refund[/link]"


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


def test_visible_makes_control_characters_visible_and_keeps_every_script():
    assert visible(CONTROL_NAME) == CONTROL_SHOWN
    assert visible("a\u202eb\u200bc") == "a\\u202eb\\u200bc"  # direction override, zero-width space
    assert visible("line\nnext") == "line\\x0anext"
    assert visible("line\nnext", keep_newlines=True) == "line\nnext"
    assert visible("लकी ड्रॉ · லக்கி\u200d · x[/]") == "लकी ड्रॉ · லக்கி\u200d · x[/]"  # ZWJ shapes Indic text
    assert visible(None) == ""
    assert literal("[b]x[/b]").plain == "[b]x[/b]" and not literal("[b]x[/b]").spans


def plain_cell(cell, expected: str) -> None:
    """A cell that shows `expected` as typed: literal Text with no markup read into it."""
    assert isinstance(cell, Text), cell
    assert cell.plain == expected
    assert not cell.spans and "link" not in str(cell.style) and "on green" not in str(cell.style)


def seed_hostile_bookings():
    """A pending booking per hostile name, one stored with control characters, one paid booking
    whose payer name is hostile; returns the holds."""
    holds = [hold_tickets(name, f"98765432{i:02d}", [i + 1]) for i, name in enumerate(HOSTILE_NAMES)]
    control = hold_tickets("Ravi", "9876543299", [40])
    Order.update(name=CONTROL_NAME).where(Order.reference == control.reference).execute()
    paid = hold_tickets("Paid Buyer", "9876543298", [50])
    record_payment(paid.payable_paise, "512345678901", payer="Meena")
    Payment.update(payer="[/]\x1b[31mred").where(Payment.utr == "512345678901").execute()
    return holds, control


def test_hostile_names_on_the_main_screen_bookings_and_add_payment(sqlite_draw, sqlite_url):
    holds, control = seed_hostile_bookings()
    by_ref = {h.reference: name for h, name in zip(holds, HOSTILE_NAMES, strict=True)}
    by_ref[control.reference] = CONTROL_NAME

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot)
            await pilot.pause(1.5)  # several refreshes: a markup crash would have ended the app
            assert app.is_running
            pending = app.dashboard.query_one("#pending")
            assert pending.row_count == len(HOSTILE_NAMES) + 1
            for i in range(pending.row_count):
                ref, name_cell = (pending.get_row_at(i)[0], pending.get_row_at(i)[1])
                plain_cell(name_cell, visible(by_ref[str(ref)][:14]))
            payments = app.dashboard.query_one("#payments")
            plain_cell(payments.get_row_at(0)[4], "[/]\\x1b[31mred")

            # A payment arriving for a hostile name: the toast shows the name as typed.
            link = holds[2]
            record_payment(link.payable_paise, "612345678901")
            await until(pilot, lambda: any(link.reference in m for _, m, _ in app.toasts), what="the toast")
            shown = [n for n in app._notifications if link.reference in n.message]
            assert shown and not shown[0].markup
            assert f"({HOSTILE_NAMES[2]})" in shown[0].message
            await until(pilot, lambda: str(payments.get_row_at(0)[2]) == "612345678901", what="the payment row")
            booking = payments.get_row_at(0)[3]
            assert booking.plain == f"→ {link.reference} {HOSTILE_NAMES[2]}"
            assert not any("link" in str(span.style) for span in booking.spans)

            # Bookings: every hostile name in full.
            await pilot.press("b")
            table = app.screen.query_one("#bookings-table")
            await until(pilot, lambda: table.row_count == len(HOSTILE_NAMES) + 2, what="the bookings")
            names = {str(table.get_row_at(i)[0]): table.get_row_at(i)[2] for i in range(table.row_count)}
            for ref, name in by_ref.items():
                plain_cell(names[ref], visible(name))
            plain_cell(names[control.reference], CONTROL_SHOWN)
            await pilot.press("escape")

            # Add payment from a pending row: the preview names the buyer literally.
            pending.focus()
            row = next(i for i in range(pending.row_count) if str(pending.get_row_at(i)[0]) == holds[0].reference)
            pending.move_cursor(row=row)
            await pilot.press("enter")
            await settle(pilot)
            preview = app.screen.query_one("#preview").content
            assert f"Fits pending booking {holds[0].reference}: x[/]; tickets 001." in str(preview)
            await pilot.press("escape")
            await settle(pilot)
            assert app.is_running

    run(scenario)


def post_unsigned_sms(body: str, sender: str):
    """An unsigned POST /hooks/sms whose bytes carry the control characters raw (not JSON-escaped)."""
    raw = ('{"text": "' + body + '", "sender": "' + sender + '"}').encode()
    headers = {"Content-Type": "application/json", "X-Timestamp": str(int(time.time()))}
    return intake.receive("sms", headers, raw, remote="10.0.0.7")


def test_unsigned_hook_body_with_terminal_controls_shows_literally_in_the_inbox(sqlite_draw, sqlite_url):
    intake.enable_sms_hook()
    assert post_unsigned_sms(SMS_BODY, "[/]\x1b[5mVM").status == 401

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await pilot.press("i")
            screen = app.screen
            table = screen.query_one("#inbox-table")
            await until(pilot, lambda: table.row_count == 1, what="the rejected message")
            await settle(pilot)
            detail = screen.query_one("#inbox-detail").content
            plain = str(detail)
            assert SMS_SHOWN in plain and '"sender": "[/]\\x1b[5mVM"' in plain
            assert "\x1b" not in plain and "\x07" not in plain
            for cell in table.get_row_at(0):
                assert "\x1b" not in str(cell)
            await pilot.press("r")  # unsigned: the refusal quotes nothing raw either
            await settle(pilot)
            assert "\x1b" not in screen.status_text
            assert app.is_running

    run(scenario)


def test_winners_table_and_reveal_show_hostile_names_literally(sqlite_draw, sqlite_url):
    for i, name in enumerate(HOSTILE_NAMES[:3]):
        hold = hold_tickets(name, f"98765432{i:02d}", [i + 1])
        record_payment(hold.payable_paise, f"5123456789{i:02d}")
    close_sales()
    set_prizes(["1st [/]", "2nd [on green]x[/]", "3rd"])
    draw_winners()

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(120, 40)) as pilot:
            await started(pilot)
            await pilot.press("d")
            screen = app.screen
            table = screen.query_one("#winners-table")
            await until(pilot, lambda: table.row_count == 3, what="the winners")
            rows = table_rows(table)
            assert sorted(r[3] for r in rows) == sorted(HOSTILE_NAMES[:3])
            assert [r[1] for r in rows] == ["1st [/]", "2nd [on green]x[/]", "3rd"]
            for i in range(3):
                plain_cell(table.get_row_at(i)[3], rows[i][3])
            assert "1st [/]" in str(screen.query_one("#winners-info").content)
            assert app.is_running

    run(scenario)


def test_confirm_dialog_shows_its_words_literally(sqlite_draw, sqlite_url):
    from console.screens.confirm import ConfirmScreen

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            answers = []
            app.push_screen(
                ConfirmScreen("Refund [b]x[/] to [link=http://evil.example]me[/link]?\x1b[2J"), answers.append
            )
            await pilot.pause()
            message = app.screen.query_one("#confirm-message").content
            assert str(message) == "Refund [b]x[/] to [link=http://evil.example]me[/link]?\\x1b[2J"
            await pilot.press("n")
            assert answers == [False]

    run(scenario)


def test_cli_prints_hostile_text_with_control_characters_visible(cli):
    from tests.helpers.db import CLI_NEW_DRAW

    assert cli(*CLI_NEW_DRAW)[0] == 0
    intake.enable_sms_hook()
    assert post_unsigned_sms(SMS_BODY, "VM-\x1b[8mX").status == 401
    hold = hold_tickets("[on green]PAID[/]", "9876543210", [3])
    Order.update(name=CONTROL_NAME).where(Order.reference == hold.reference).execute()
    item_id = intake.inbox_items(1)[0].id

    code, out, err = cli("inbox", "--show", str(item_id))
    assert code == 0, err
    assert SMS_SHOWN in out and "VM-\\x1b[8mX" in out
    assert "\x1b" not in out and "\x07" not in out
    code, out, err = cli("bookings")
    assert code == 0, err
    assert CONTROL_SHOWN in out and "\x1b" not in out
    code, out, err = cli("inbox", "--show", str(item_id), "--json")
    assert SMS_BODY in json.loads(out)["text"]  # scripts get the exact bytes, escaped by JSON
    assert "\x1b" not in out


def test_hostile_data_in_a_real_terminal(sqlite_draw, sqlite_url, tmp_path):
    """`luckydraw console` in tmux over hostile bookings and an unsigned SMS carrying an escape
    sequence that would retitle the window: the literal text is on screen, the title is untouched,
    and the console is still running."""
    from tests.helpers.terminal import Terminal

    seed_hostile_bookings()
    intake.enable_sms_hook()
    assert post_unsigned_sms(SMS_BODY, "VM").status == 401
    command = [
        sys.executable,
        "-c",
        "import sys; from console.cli import main; sys.exit(main())",
        "--db",
        sqlite_url,
        "console",
    ]
    with Terminal(command, ROOT, env={"TERM": "xterm-256color"}) as term:
        screen = term.wait_for("x[/]")
        assert "Asha [/bold]" in screen and "[on green]PAID" in screen and "[@click=app.q" in screen
        assert "Ravi\\x1b]0;" in screen, screen
        term.keys("i")
        screen = term.wait_for("\\x1b]0;pwned\\x07 [/] [link=http://evil.example]Refund[/link]")
        time.sleep(1.0)  # a couple of refreshes of the inbox
        assert "pwned" not in term.title()
        assert term.alive()
        term.keys("Escape")
        term.wait_for("Pending")
        term.keys("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.alive()
        assert "Traceback" not in term.screen()


def test_a_pasted_sms_with_control_characters_shows_them_as_text(sqlite_draw, sqlite_url):
    from textual import events

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("s")
            await settle(pilot)
            app.post_message(events.Paste("Rs.10.00 credited\r\n\x1b]0;pwned\x07UPI Ref 512345678901"))
            await settle(pilot)
            text = app.screen.query_one("#sms").text
            assert text == "Rs.10.00 credited\n\\x1b]0;pwned\\x07UPI Ref 512345678901"
            assert app.is_running

    run(scenario)
