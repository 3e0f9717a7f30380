"""Automatic payment intake in the console, driven through keys: the inbox shows each message the
hooks received with its outcome and reason (also one that arrives while it is open), a message
kept while there was no draw is processed again on request, and the hook settings turn the SMS
hook on with a secret shown as text and as the forwarder's setup QR, and set and clear the
Razorpay secret."""

import json
import time

import pytest

from shared import intake
from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.models_intake import InboxMessage
from shared.upi import qr_text
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text, until
from tests.helpers.db import new_draw

WEB = "http://192.168.1.5:8080/"
CREDIT = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank (UPI {utr})"


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


def post_sms(secret: str, amount: str, utr: str, *, sender: str = "VM-HDFCBK", sign: bool = True, stamp=None):
    """What the forwarder app on the organiser's phone sends (`stamp`: its X-Timestamp, now by default)."""
    body = json.dumps({"text": CREDIT.format(amount=amount, utr=utr), "sender": sender}).encode()
    stamp = stamp or str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Timestamp": stamp}
    if sign:
        headers["X-Signature"] = intake.sms_signature(secret, body, stamp)
    return intake.receive("sms", headers, body, remote="10.0.0.7")


def test_inbox_shows_what_each_message_became(draw, db_url):
    secret = intake.enable_sms_hook()
    hold = hold_tickets("Ravi Kumar", "9876543210", [7])
    stamp = str(int(time.time()))
    assert post_sms(secret, "10.00", "526830463424", stamp=stamp).body["status"] == "recorded"
    # the phone sent the very same request twice (even when the second falls in the next second)
    assert post_sms(secret, "10.00", "526830463424", stamp=stamp).body["status"] == "duplicate"
    assert post_sms(secret, "7.77", "526830463425").body["status"] == "recorded"  # nobody owes ₹7.77
    assert post_sms(secret, "10.00", "526830463426", sign=False).status == 401  # not from the phone

    async def scenario():
        app = RecordingApp(db_url)
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await pilot.press("i")
            screen = app.screen
            assert type(screen).__name__ == "InboxScreen"
            table = screen.query_one("#inbox-table")
            await until(pilot, lambda: table.row_count == 4, what="the four messages")
            rows = table_rows(table)
            assert [r[1] for r in rows] == ["sms"] * 4
            assert [r[3] for r in rows] == ["rejected", "recorded unmatched", "duplicate", "recorded and matched"]
            assert [r[2] for r in rows] == ["", "₹7.77", "", "₹10.00"]  # a repeat is not read again
            assert rows[0][4] == "The X-Signature header is missing."
            assert rows[3][4] == f"₹10.00 confirmed booking {hold.reference}."
            assert rows[1][4] == "₹7.77 matches no booking; it is kept as UNMATCHED."
            assert "nothing changed" in rows[2][4]
            title = str(screen.query_one("#inbox-title").content)
            assert "4 messages: 1 recorded and matched · 1 recorded unmatched · 1 duplicate · 1 rejected" in title
            assert "SMS on" in title and "Razorpay off" in title
            detail = str(screen.query_one("#inbox-detail").content)
            assert detail.startswith("#") and "NOT signed" in detail  # the selected (newest) message

            hold2 = hold_tickets("Meena Iyer", "9876543211", [8])  # while the inbox is open
            post_sms(secret, "10.01", "526830463427")
            await until(pilot, lambda: table.row_count == 5, timeout=5, what="the new message (refresh ~2 s)")
            assert table_rows(table)[0][3:] == ["recorded and matched", f"₹10.01 confirmed booking {hold2.reference}."]
            assert screen.query_one("#inbox-table").selected().outcome == "rejected"  # the cursor stayed put
            await pilot.press("r")  # unsigned: cannot be processed
            await settle(pilot)
            assert screen.status_text.endswith(
                "did not come with a valid signature, or is a repeat; it cannot be processed."
            )
            await pilot.press("up")  # the newest, already recorded
            await pilot.press("r")
            await settle(pilot)
            assert screen.status_text.endswith("was already handled (recorded matched).")
            await pilot.press("escape")
            assert app.screen is app.dashboard

    run(scenario)
    assert Order.get(Order.reference == hold.reference).state == "paid"
    assert Payment.select().where(Payment.source == "sms").count() == 3


def test_a_message_kept_while_there_was_no_draw_is_processed_on_request(sqlite_db, sqlite_url, tmp_path):
    secret = intake.enable_sms_hook()
    assert post_sms(secret, "10.00", "526830463424").status == 503  # no draw yet: kept
    new_draw(tmp_path)
    hold = hold_tickets("Ravi Kumar", "9876543210", [7])

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            await pilot.press("i")
            screen = app.screen
            table = screen.query_one("#inbox-table")
            await until(pilot, lambda: table.row_count == 1, what="the kept message")
            row = table_rows(table)[0]
            assert row[3] == "NOT PROCESSED yet" and row[4].startswith("Not processed yet:")
            assert "r: process it again" in str(screen.query_one("#inbox-detail").content)
            await pilot.press("r")
            assert "Process inbox message #" in str(app.screen.query_one("#confirm-message").content)
            await pilot.press("y")
            await settle(pilot)
            assert screen.status_text.startswith(f"Inbox #{row_id()}: recorded and matched → {hold.reference}")
            await until(pilot, lambda: table_rows(table)[0][3] == "recorded and matched", what="the new outcome")
            assert table_rows(table)[0][4] == f"₹10.00 confirmed booking {hold.reference}."

    def row_id() -> int:
        return InboxMessage.select().get().id

    run(scenario)
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_enabling_the_sms_hook_shows_its_secret_and_setup_qr(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url, web_url=WEB)
        async with app.run_test(size=(100, 50)) as pilot:
            await started(pilot)
            await pilot.press("h")
            screen = app.screen
            assert type(screen).__name__ == "HooksScreen"
            await until(pilot, lambda: screen.view is not None, what="the hook settings")
            assert "OFF" in str(screen.query_one("#sms-state").content)
            assert not screen.query_one("#sms-qr-box").display
            await pilot.press("s")
            await settle(pilot)
            await until(pilot, lambda: screen.view.sms.enabled, what="the hook on")
            secret = intake.sms_hook_settings().secret
            assert secret and str(screen.query_one("#sms-secret").content) == f"Secret  {secret}"
            assert f"POST  {WEB}hooks/sms" in str(screen.query_one("#sms-state").content)
            qr = screen.query_one("#sms-qr")
            payload = intake.sms_setup_payload(WEB)
            assert json.loads(payload)["secret"] == secret and json.loads(payload)["url"] == WEB + "hooks/sms"
            assert str(qr.content) == qr_text(payload) and screen.query_one("#sms-qr-box").display
            assert qr.styles.color.hex == "#000000" and qr.styles.background.hex == "#FFFFFF"
            assert qr.region.bottom <= 49  # the whole code on a 50-line terminal

            await pilot.press("s")  # a new secret: asks first
            assert "stops working at once" in str(app.screen.query_one("#confirm-message").content)
            await pilot.press("y")
            await settle(pilot)
            await until(pilot, lambda: screen.view.sms.secret != secret, what="the new secret")
            assert str(screen.query_one("#sms-secret").content) == f"Secret  {intake.sms_hook_settings().secret}"
            assert str(screen.query_one("#sms-qr").content) == qr_text(intake.sms_setup_payload(WEB))

            await pilot.press("x")
            await pilot.press("y")
            await settle(pilot)
            await until(pilot, lambda: not screen.view.sms.enabled, what="the hook off")
            assert "OFF" in str(screen.query_one("#sms-state").content)
            assert not screen.query_one("#sms-secret").display

    run(scenario)
    assert not intake.sms_hook_settings().enabled


def test_razorpay_secret_is_set_refused_when_unusable_cleared_and_made(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("h")
            screen = app.screen
            await until(pilot, lambda: screen.view is not None, what="the hook settings")
            await pilot.press("r")
            dialog = app.screen
            await type_text(pilot, "too short")
            await pilot.press("enter")
            await settle(pilot)
            assert dialog.status_text.startswith("The webhook secret must be 12 to 200 characters without spaces")
            assert app.screen is dialog and not intake.razorpay_hook_settings().enabled
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "whsec-test-0123456789")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            assert screen.status_text == "Razorpay hook on with the secret from Razorpay's dashboard."
            await until(pilot, lambda: screen.view.razorpay.enabled, what="the hook on")
            assert "whsec-test-0123456789" in str(screen.query_one("#razorpay-state").content)
            assert intake.razorpay_hook_settings().secret == "whsec-test-0123456789"

            await pilot.press("r")
            await pilot.press("ctrl+o")
            assert "Turn the Razorpay hook off?" in str(app.screen.query_one("#confirm-message").content)
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen and screen.status_text == "Razorpay hook off: its address now answers 404."
            await until(pilot, lambda: not screen.view.razorpay.enabled, what="the hook off")
            assert not intake.razorpay_hook_settings().enabled

            await pilot.press("r", "ctrl+g")  # one made here, to enter in Razorpay
            await settle(pilot)
            made = intake.razorpay_hook_settings().secret
            assert made and made != "whsec-test-0123456789"
            assert screen.status_text == (
                f"Razorpay hook on with a new secret: {made} — enter it in Razorpay's dashboard for the webhook."
            )

    run(scenario)


def test_command_palette_opens_the_inbox_and_the_winner_draw(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            for words, screen_name in (
                ("inbox", "InboxScreen"),
                ("winner dr", "WinnersScreen"),
                ("hooks", "HooksScreen"),
            ):
                await pilot.press("ctrl+p")
                await type_text(pilot, words)
                await pilot.pause(0.3)
                await pilot.press("enter")
                await settle(pilot)
                assert type(app.screen).__name__ == screen_name, words
                await pilot.press("escape")
                assert app.screen is app.dashboard
            await pilot.press("b")  # elsewhere the main screen's keys rest
            await settle(pilot)
            await pilot.press("enter")  # from the search to the list
            assert app.screen.focused.id == "bookings-table"
            await pilot.press("i", "d", "h")
            assert type(app.screen).__name__ == "BookingsScreen"

    run(scenario)


def test_the_inbox_says_when_the_database_cannot_be_read_and_keeps_trying(sqlite_draw, sqlite_url, monkeypatch):
    from peewee import OperationalError

    import console.screens.inbox as inbox_screen

    monkeypatch.setattr(inbox_screen.InboxScreen, "REFRESH_SECONDS", 0.2)
    real, calls = inbox_screen.load_inbox, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("database is locked")
        return real(*args)

    monkeypatch.setattr(inbox_screen, "load_inbox", flaky)
    said = []  # every status line shown: the problem stays only until the next read, 0.2 s later
    real_say = inbox_screen.InboxScreen.say
    monkeypatch.setattr(
        inbox_screen.InboxScreen, "say", lambda self, text, kind="": said.append(text) or real_say(self, text, kind)
    )

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test() as pilot:
            await started(pilot)
            await pilot.press("i")
            screen = app.screen
            await until(
                pilot,
                lambda: "database: OperationalError: database is locked" in said,
                what="the problem on screen",
            )
            await until(pilot, lambda: screen.status_text.startswith("No messages yet."), what="the next good read")
            problem = said.index("database: OperationalError: database is locked")
            assert any(text.startswith("No messages yet.") for text in said[problem:])  # cleared by the good read
            assert len(calls) >= 3

    run(scenario)
