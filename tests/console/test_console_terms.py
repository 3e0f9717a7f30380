"""The terms and permit line and the planned closing time in the console: the new-draw form and the
settings screen take both (the closing time typed in the draw's own zone), show what is stored, clear
them, refuse bad input in the field at fault with nothing changed, and fit an 80×24 terminal."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import Input

from shared.db import utcnow
from shared.draw_zone import set_time_zone
from shared.draws import current_draw
from shared.models import Draw, Event
from shared.validation import local_time_text
from tests.helpers.console import RecordingApp, run, settle, started, type_text

PERMIT = "Permission no. 123/2026 of the District Collector, Pune. Terms: one prize per ticket."
IST = ZoneInfo("Asia/Kolkata")


def later(days: int) -> datetime:
    return utcnow().replace(second=0, microsecond=0) + timedelta(days=days)


def test_the_first_draw_form_takes_terms_and_a_closing_time(sqlite_db, sqlite_url, tmp_path):
    closes = later(20)

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            form = app.screen
            assert form.query_one("#closes_at", Input).placeholder == "YYYY-MM-DD HH:MM in Asia/Kolkata, optional"
            await type_text(pilot, "Diwali Mela")
            form.query_one("#payee_vpa", Input).value = "asha@okicici"
            form.query_one("#payee_name", Input).value = "Asha Stores"
            form.query_one("#terms").focus()
            await type_text(pilot, "[bold]Permit[/bold] no. 5")
            form.query_one("#closes_at").focus()
            await type_text(pilot, "25 December")
            await pilot.press("ctrl+s")
            assert form.status_text.startswith("Sales close: Closing time must be a date and a 24-hour time like")
            assert app.screen is form and app.screen.focused.id == "closes_at"
            form.query_one("#closes_at", Input).value = "2020-01-01 10:00"
            await pilot.press("ctrl+s")
            assert "has already passed" in form.status_text and app.screen.focused.id == "closes_at"
            form.query_one("#terms", Input).value = "x" * 301
            form.query_one("#closes_at", Input).value = local_time_text(closes, IST)
            await pilot.press("ctrl+s")
            assert form.status_text == "Terms / permit: Terms are too long: at most 300 characters, this has 301."
            assert app.screen.focused.id == "terms"
            assert Draw.select().count() == 0  # nothing was created by the refusals
            form.query_one("#terms", Input).value = "  [bold]Permit[/bold]   no. 5  "
            await pilot.press("ctrl+s")
            await settle(pilot, 5)
            assert app.screen is app.dashboard

    run(scenario)
    draw = current_draw()
    assert (draw.name, draw.terms, draw.closes_at) == ("Diwali Mela", "[bold]Permit[/bold] no. 5", closes)


def test_a_new_draw_keeps_the_terms_but_not_the_old_closing_time(sqlite_draw, sqlite_url, tmp_path):
    Draw.update(terms=PERMIT, closes_at=later(2)).where(Draw.id == sqlite_draw.id).execute()

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("n")
            form = app.screen
            assert form.query_one("#terms", Input).value == PERMIT
            assert form.query_one("#closes_at", Input).value == ""
            await type_text(pilot, "Holi Draw")
            await pilot.press("ctrl+s")
            await type_text(pilot, "NEW")
            await pilot.press("enter")
            await settle(pilot, 5)
            assert app.screen is app.dashboard

    run(scenario)
    draw = current_draw()
    assert (draw.name, draw.terms, draw.closes_at) == ("Holi Draw", PERMIT, None)


def test_settings_show_change_and_clear_the_terms_and_closing_time(sqlite_draw, sqlite_url):
    set_time_zone("Asia/Dubai")
    stored = later(5)
    Draw.update(terms=PERMIT, closes_at=stored).where(Draw.id == sqlite_draw.id).execute()
    dubai = ZoneInfo("Asia/Dubai")
    moved = stored + timedelta(days=1, hours=2)

    async def scenario():
        app = RecordingApp(sqlite_url)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("t")
            dialog = app.screen
            terms, closes = dialog.query_one("#terms", Input), dialog.query_one("#closes_at", Input)
            assert terms.value == PERMIT
            assert closes.value == local_time_text(stored, dubai)  # in the draw's zone, not the laptop's
            assert closes.placeholder == "YYYY-MM-DD HH:MM in Asia/Dubai, optional"
            for widget in dialog.query(Input):  # every field on an 80×24 screen
                assert widget.region.height == 1 and widget.region.bottom <= 24 and widget.region.right <= 80
            closes.value = "soon"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "Closing time must be a date and a 24-hour time" in dialog.status_text
            assert app.screen is dialog and app.screen.focused.id == "closes_at"
            terms.value = "Permit\x1b[2J no. 9"
            closes.value = local_time_text(moved, dubai)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "Terms contain a control character (U+001B)" in dialog.status_text
            assert app.screen is dialog and app.screen.focused.id == "terms"
            assert Draw.get_by_id(sqlite_draw.id).closes_at == stored  # refused: nothing changed
            terms.value = "Permit no. 9/2026, Collector Pune"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is app.dashboard

            await pilot.press("t")
            dialog = app.screen
            assert dialog.query_one("#closes_at", Input).value == local_time_text(moved, dubai)
            dialog.query_one("#terms", Input).value = ""
            dialog.query_one("#closes_at", Input).value = ""
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is app.dashboard

    run(scenario)
    draw = Draw.get_by_id(sqlite_draw.id)
    assert (draw.terms, draw.closes_at) == (None, None)
    journal = Event.select().where((Event.draw == draw.id) & (Event.kind == "draw_settings_changed"))
    changes = [e.data for e in journal.order_by(Event.id) if "terms" in e.data]
    assert changes == [
        {"terms": "Permit no. 9/2026, Collector Pune", "closes_at": str(moved)},
        {"terms": None, "closes_at": None},
    ]
