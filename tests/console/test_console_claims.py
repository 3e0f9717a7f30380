"""The buyer's UTR claim in the console: the pending table shows it, the add-payment dialog names
the booking that claimed a UTR before saving (the buyer's name as literal text, never markup), and
recording it settles that booking by rule 0; the Settings screen sets the payee kind, merchant code
and gallery-QR cap."""

from shared.booking import hold_tickets
from shared.claims import claim_utr
from shared.draws import current_draw
from shared.models import Order
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text

UTR = "412345678901"
NAME = "[bold red]Ravi[/] Kumar"


def test_pending_shows_the_claim_and_the_dialog_names_the_claimant(sqlite_draw, sqlite_url):
    hold = hold_tickets(NAME, "9876543210", [7])
    claim_utr(hold.session_id, UTR)

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(100, 30)) as pilot:
            await started(pilot)
            row = table_rows(app.dashboard.query_one("#pending"))[0]
            assert row[0] == hold.reference and row[-1] == UTR
            await pilot.press("a")
            await type_text(pilot, "10.00")
            await pilot.press("tab")
            await type_text(pilot, "4123 4567 8901")
            await settle(pilot)
            shown = app.screen.query_one("#claimed").content
            assert str(shown) == f"claimed by {hold.reference} ({NAME})"
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is app.dashboard

    run(scenario)
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_settings_set_the_payee_kind_code_and_gallery_cap(sqlite_draw, sqlite_url):
    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 30)) as pilot:
            await started(pilot)
            await pilot.press("t")
            dialog = app.screen
            for key, value in (("payee_kind", "merchant"), ("merchant_code", "59x9"), ("gallery_cap", "3000")):
                dialog.query_one(f"#{key}").focus()
                await pilot.press("ctrl+a", "ctrl+k")
                await type_text(pilot, value)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "4 digits" in dialog.status_text and app.screen.focused.id == "merchant_code"
            await pilot.press("ctrl+a", "ctrl+k")
            await type_text(pilot, "5999")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is app.dashboard

    run(scenario)
    draw = current_draw()
    assert (draw.payee_kind, draw.merchant_code, draw.gallery_cap_paise) == ("merchant", "5999", 300_000)
