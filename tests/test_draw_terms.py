"""A draw's terms and permit line and its planned closing time (SQLite and PostgreSQL): the terms
checked as one paragraph of at most 300 characters without control characters, the closing time
typed in the draw's own time zone and stored in UTC, both kept by a new draw, changed and cleared
in the settings (journalled), and set from the command line with messages that name the option."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.db import utcnow
from shared.draw_zone import set_time_zone
from shared.draws import current_draw, update_settings, validate_settings
from shared.errors import InvalidInput
from shared.models import Draw, Event
from shared.validation import clean_terms, local_time_text, parse_local_time
from tests.helpers.db import CLI_NEW_DRAW, DEFAULT_DRAW, draw_form, new_draw

PERMIT = "Permission no. 123/2026 of the District Collector, Pune. Terms: one prize per ticket."
IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 12, 1, 6, 0)  # the clock of the tests that give one


def settings(**fields):
    return validate_settings(**draw_form({**DEFAULT_DRAW, **fields}), now=NOW)


# ------------------------------------------------------------------------------------------ terms


@pytest.mark.parametrize(
    "typed, kept",
    [
        (PERMIT, PERMIT),
        ("  Permit no.  12/2026\n of the Collector,\r\n Pune  ", "Permit no. 12/2026 of the Collector, Pune"),
        ("अनुमति क्र. 12/2026, ज़िलाधिकारी पुणे", "अनुमति क्र. 12/2026, ज़िलाधिकारी पुणे"),
        ("x" * 300, "x" * 300),
        ("   ", None),
        ("", None),
        (None, None),
    ],
    ids=["plain", "one-paragraph", "devanagari", "300-characters", "spaces", "empty", "none"],
)
def test_terms_are_one_trimmed_paragraph_or_nothing(typed, kept):
    assert clean_terms(typed) == kept
    assert settings(terms=typed).terms == kept


@pytest.mark.parametrize(
    "typed, message",
    [
        ("x" * 301, "Terms are too long: at most 300 characters, this has 301."),
        ("Permit " + "y " * 150, "Terms are too long: at most 300 characters, this has 306."),
        ("Permit\x1b]0;owned\x07 no. 1", "Terms contain a control character (U+001B) that cannot be shown"),
        ("Permit\x00", "Terms contain a control character (U+0000)"),
        ("Permit \u202eon 1", "Terms contain a control character (U+202E)"),  # a bidi override
        (42, "Terms must be text."),
    ],
    ids=["301", "collapsed-306", "escape", "nul", "bidi-override", "number"],
)
def test_terms_refused_with_a_clear_message(typed, message):
    with pytest.raises(InvalidInput) as caught:
        settings(terms=typed)
    assert caught.value.message.startswith(message)
    assert caught.value.field == "terms"


# ----------------------------------------------------------------------------------- closing time


@pytest.mark.parametrize(
    "typed", ["2026-12-25 18:00", " 2026-12-25   18:00 ", "2026-12-25T18:00", "25/12/2026 18:00", "25-12-2026 18:00"]
)
def test_a_closing_time_is_typed_in_the_draws_zone_and_kept_in_utc(typed):
    assert settings(closes_at=typed).closes_at == datetime(2026, 12, 25, 12, 30)  # 18:00 IST
    assert parse_local_time(typed, ZoneInfo("Asia/Dubai")) == datetime(2026, 12, 25, 14, 0)
    assert local_time_text(datetime(2026, 12, 25, 12, 30), IST) == "2026-12-25 18:00"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("tomorrow", "Closing time must be a date and a 24-hour time like 2026-12-25 18:00 (Asia/Kolkata time); "),
        ("2026-12-25", "Closing time must be a date and a 24-hour time"),
        ("2026-12-25 6pm", "'2026-12-25 6pm' is not."),
        ("2026-13-01 10:00", "Closing time must be a date and a 24-hour time"),
        ("2026-11-30 18:00", "Closing time 2026-11-30 18:00 (Asia/Kolkata time) has already passed"),
        ("2026-12-01 11:30", "has already passed"),  # 06:00 UTC is exactly 11:30 in India
    ],
)
def test_a_closing_time_that_is_not_one_or_has_passed_is_refused(typed, message):
    with pytest.raises(InvalidInput) as caught:
        settings(closes_at=typed)
    assert message in caught.value.message
    assert caught.value.field == "closes_at"
    assert settings(closes_at="2026-12-01 11:31").closes_at == datetime(2026, 12, 1, 6, 1)


@pytest.mark.parametrize("cleared", ["", " ", "-", None])
def test_no_closing_time_is_none(cleared):
    assert settings(closes_at=cleared).closes_at is None


# ------------------------------------------------------------------------------ stored and changed


def test_a_new_draw_keeps_its_terms_and_closing_time(db, tmp_path):
    closes = (utcnow() + timedelta(days=20)).replace(second=0, microsecond=0)
    made = new_draw(tmp_path, terms=f" {PERMIT} ", closes_at=local_time_text(closes, IST))
    stored = Draw.get_by_id(made.id)
    assert (stored.terms, stored.closes_at, stored.time_zone) == (PERMIT, closes, "Asia/Kolkata")
    plain = new_draw(tmp_path, name="Holi Mela")
    stored = Draw.get_by_id(plain.id)
    assert (stored.terms, stored.closes_at) == (None, None)


def test_settings_change_and_clear_the_terms_and_closing_time_journalled(draw):
    closes = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    updated = update_settings({"terms": PERMIT, "closes_at": local_time_text(closes, IST)})
    assert (updated.terms, updated.closes_at) == (PERMIT, closes)
    event = Event.select().where(Event.kind == "draw_settings_changed").get()
    assert event.data == {"terms": PERMIT, "closes_at": str(closes)}

    set_time_zone("Asia/Dubai")  # typed from now on in the draw's new zone
    later = update_settings({"closes_at": local_time_text(closes + timedelta(hours=1), ZoneInfo("Asia/Dubai"))})
    assert later.closes_at == closes + timedelta(hours=1)

    cleared = update_settings({"terms": "", "closes_at": "-"})
    assert (cleared.terms, cleared.closes_at) == (None, None)
    untouched = update_settings({"hold_minutes": 12})
    assert (untouched.terms, untouched.closes_at, untouched.hold_minutes) == (None, None, 12)


def test_a_closing_time_that_has_passed_is_saved_again_unchanged(draw):
    """The settings form shows the stored closing time and sends it back with every save: once it has
    passed (sales are still open until the organiser closes them) other settings still change."""
    passed = datetime(2026, 1, 10, 12, 30)
    Draw.update(closes_at=passed).where(Draw.id == draw.id).execute()
    shown = local_time_text(passed, IST)
    assert shown == "2026-01-10 18:00"
    updated = update_settings({"closes_at": shown, "hold_minutes": 15})
    assert (updated.closes_at, updated.hold_minutes) == (passed, 15)
    with pytest.raises(InvalidInput, match="has already passed"):
        update_settings({"closes_at": "2026-01-10 18:01"})
    assert Draw.get_by_id(draw.id).closes_at == passed


def test_refused_terms_change_nothing(draw):
    update_settings({"terms": PERMIT})
    with pytest.raises(InvalidInput):
        update_settings({"terms": "Permit\x1b[2J", "hold_minutes": 30})
    stored = Draw.get_by_id(draw.id)
    assert (stored.terms, stored.hold_minutes) == (PERMIT, 10)


# ----------------------------------------------------------------------------------- command line


def test_new_draw_and_settings_from_the_command_line(cli):
    closes = (utcnow() + timedelta(days=30)).replace(second=0, microsecond=0)
    typed = local_time_text(closes, IST)
    code, out, err = cli(*CLI_NEW_DRAW, "--terms", PERMIT, "--closes", typed)
    assert (code, err) == (0, "")
    assert f"Terms: {PERMIT}\nSales planned to close {typed} (Asia/Kolkata time).\n" in out
    assert (current_draw().terms, current_draw().closes_at) == (PERMIT, closes)

    code, out, err = cli("settings", "--terms", "Permit no. 9/2026", "--closes", "")
    assert (code, err) == (0, "")
    assert out.endswith("Terms: Permit no. 9/2026\nNo closing time set.\n")
    assert (current_draw().terms, current_draw().closes_at) == ("Permit no. 9/2026", None)


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--closes", "next friday", "Closing time must be a date and a 24-hour time like 2026-12-25 18:00"),
        ("--closes", "2020-01-01 10:00", "Closing time 2020-01-01 10:00 (Asia/Kolkata time) has already passed"),
        ("--terms", "x" * 301, "Terms are too long: at most 300 characters, this has 301"),
        ("--terms", "Permit\x1b]0;x\x07", "Terms contain a control character (U+001B)"),
    ],
)
def test_bad_terms_or_closing_time_on_the_command_line_are_one_line_naming_the_option(cli, option, value, message):
    code, out, err = cli(*CLI_NEW_DRAW, option, value)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert message in err and err.endswith(f" (change {option}).\n")
    assert Draw.select().count() == 0
    assert cli(*CLI_NEW_DRAW)[0] == 0
    code, out, err = cli("settings", option, value)
    assert (code, out) == (2, "") and message in err and err.endswith(f" (change {option}).\n")
    assert (current_draw().terms, current_draw().closes_at) == (None, None)
