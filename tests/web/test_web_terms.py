"""The draw's terms and permit line and its planned closing time on the buyer pages (SQLite and
PostgreSQL): the home page, the receipt and /results show the terms as text (markup stays text)
and, while sales are open and the time is still to come, "Sales close on …" in the buyer's language
and the draw's zone; nothing of either when it is not set."""

from datetime import datetime, timedelta

import lxml.html
import pytest

from buyerweb.i18n import catalog
from shared.db import utcnow
from shared.draw_zone import set_time_zone
from shared.draws import set_sales_open
from shared.models import Draw
from shared.payments import record_payment
from tests.helpers.web import post_json

PERMIT = "Permission no. 123/2026 of the District Collector, Pune. Terms: one prize per ticket; winners on 26 Dec."
EVIL = '<script>alert("x")</script><b onmouseover="steal()">Permit</b> &amp; no. 1'
CLOSES = datetime(2099, 12, 25, 12, 30)  # 18:00 in India, 16:30 in Dubai


def set_draw(app, draw, **values) -> None:
    Draw.update(**values).where(Draw.id == draw.id).execute()
    app.app.luckydraw.draws.clear()  # the web's one-second cache of the current draw


def shown(html: str) -> dict:
    """The terms lines and the "Sales close" lines a page shows, as a person reads them."""
    tree = lxml.html.fromstring(html)
    return {
        "terms": [p.text_content() for p in tree.xpath('//p[@class="terms-line"]')],
        "closes": [p.text_content() for p in tree.xpath('//p[@class="closes"]')],
        "scripts": len(tree.xpath("//script")),
        "bold": len(tree.xpath("//main//b")),
    }


def paid_booking(app) -> str:
    """A booking paid in full; its receipt's address."""
    made = post_json(app, {"name": "Asha Devi", "mobile": "9876543210", "tickets": [7]}, status=201).json
    record_payment(made["amount_paise"], "512345678901")
    return f"/done/{made['session_id']}"


def receipt(app) -> str:
    return app.get(paid_booking(app)).text


def test_home_receipt_and_results_show_the_terms_and_when_sales_close(web):
    app, draw = web
    set_draw(app, draw, terms=PERMIT, closes_at=CLOSES)
    expected = {"terms": [PERMIT], "closes": ["Sales close on 25 Dec 2099, 6:00 pm."]}
    for page in (app.get("/").text, receipt(app), app.get("/results").text):
        found = shown(page)
        assert {k: found[k] for k in expected} == expected
        assert "Terms and permission" in page


def test_the_closing_time_is_in_the_buyers_language_and_the_draws_zone(web):
    app, draw = web
    set_draw(app, draw, closes_at=CLOSES)
    sentence = "Sales close on %(when)s."
    hindi = catalog("hi").gettext(sentence) % {"when": "25 दिस॰ 2099, 6:00 pm"}
    tamil = catalog("ta").gettext(sentence) % {"when": "25 டிச. 2099, 6:00 PM"}
    assert hindi != sentence % {"when": "25 दिस॰ 2099, 6:00 pm"}  # the sentence too, not only the date
    assert shown(app.get("/?lang=hi").text)["closes"] == [hindi]
    assert shown(app.get("/?lang=ta").text)["closes"] == [tamil]
    set_time_zone("Asia/Dubai")
    app.app.luckydraw.draws.clear()
    assert shown(app.get("/?lang=en").text)["closes"] == ["Sales close on 25 Dec 2099, 4:30 pm."]


def test_nothing_is_shown_when_neither_is_set(web):
    app, _ = web
    for page in (app.get("/").text, receipt(app), app.get("/results").text):
        assert shown(page)["terms"] == [] and shown(page)["closes"] == []
        assert "Terms and permission" not in page and "Sales close on" not in page


@pytest.mark.parametrize("how", ["sales closed", "time passed"])
def test_once_sales_are_closed_or_the_time_has_passed_only_the_terms_stay(web, how):
    app, draw = web
    set_draw(app, draw, terms=PERMIT, closes_at=CLOSES)
    done = paid_booking(app)
    assert shown(app.get(done).text)["closes"] == ["Sales close on 25 Dec 2099, 6:00 pm."]
    if how == "sales closed":
        set_sales_open(False)
    else:
        Draw.update(closes_at=utcnow() - timedelta(minutes=1)).where(Draw.id == draw.id).execute()
    app.app.luckydraw.draws.clear()
    for path in ("/", done, "/results"):
        found = shown(app.get(path).text)
        assert (found["terms"], found["closes"]) == ([PERMIT], []), path


def test_hostile_terms_stay_text_on_every_page(web):
    app, draw = web
    baseline = [shown(app.get("/").text), shown(app.get("/results").text)]
    set_draw(app, draw, terms=EVIL)
    pages = [app.get("/").text, app.get("/results").text]
    for page, before in zip(pages, baseline, strict=True):
        found = shown(page)
        assert found["terms"] == [EVIL]  # read back as the very characters the organiser typed
        assert (found["scripts"], found["bold"]) == (before["scripts"], before["bold"])  # no element added
        assert '<script>alert("x")' not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onmouseover=" in page
        assert "&amp;amp; no. 1" in page
    found = shown(receipt(app))
    assert found["terms"] == [EVIL] and found["bold"] == 0
