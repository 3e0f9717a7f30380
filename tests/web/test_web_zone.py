"""The time zone buyers see is the draw's setting (default Asia/Kolkata), not the clock zone of the
server the web runs on (a hosted web runs in UTC)."""

import re
import time
from zoneinfo import ZoneInfo

import pytest

from buyerweb.present import local_time
from shared import db as shared_db
from shared.draw_zone import parse_zone, set_time_zone
from shared.errors import InvalidInput
from shared.models import Order
from tests.helpers.web import make_web, post_json


@pytest.fixture
def utc_server(monkeypatch):
    """The web process's own clock zone is UTC, as on a hosted server."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def held_until(app, session_id: str) -> str:
    page = app.get(f"/pay/{session_id}")
    return re.search(r"Numbers held for you until <strong>([^<]+)</strong>", page.text).group(1)


def test_buyers_see_the_draws_zone_not_the_servers(db_url, tmp_path, utc_server):
    app, draw = make_web(db_url, tmp_path)
    assert draw.time_zone == "Asia/Kolkata"
    made = post_json(app, {"name": "Asha Devi", "mobile": "9876543210", "tickets": [7]}, status=201).json
    expires = Order.get(Order.session_id == made["session_id"]).expires_at
    india, utc = (local_time(expires, ZoneInfo(z), "%I:%M %p") for z in ("Asia/Kolkata", "UTC"))
    assert india != utc
    assert held_until(app, made["session_id"]) == india

    set_time_zone("Asia/Dubai")
    app.app.luckydraw.draws.clear()
    assert held_until(app, made["session_id"]) == local_time(expires, ZoneInfo("Asia/Dubai"), "%I:%M %p")
    shared_db.close()


def test_a_zone_must_be_a_real_one(db_url, tmp_path):
    make_web(db_url, tmp_path)
    assert parse_zone(" Asia/Kolkata ") == "Asia/Kolkata"
    for bad in ("", "India", "Asia/Nowhere", "../etc/passwd", "x" * 80):
        with pytest.raises(InvalidInput):
            set_time_zone(bad)
    shared_db.close()
