"""The results page's "Was my ticket in the draw?" through the WSGI app, on SQLite and PostgreSQL: a
GET form that works without the script, the answer on the same page (not out yet before the draw;
a ticket alone, or a booking's own numbers, after it), a clear message for a typo, nothing of any
other buyer in the answer, and the look-up limit per IP that "My tickets" uses too."""

from urllib.parse import urlencode

import lxml.html
import pytest

from buyerweb.ratelimit import Limit
from shared import db as shared_db
from shared import results as published
from shared import winner_draw
from shared.booking import hold_tickets
from shared.payments import record_payment, sell_cash
from tests.helpers.db import new_draw
from tests.helpers.web import csrf_of, make_web

BUYERS = [("Asha Patel", "9876543210", [1, 2, 3]), ("Ravi Kumar", "9876543211", [10, 11])]
SECRETS = ["Asha", "Patel", "Ravi", "Kumar", "Farhan", "Sheikh", "9876543210", "9876543211", "9876543213"]


def fresh(app):
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()


def sell_and_draw(app):
    for name, mobile, numbers in BUYERS:
        sell_cash(name, mobile, numbers)
    upi = hold_tickets("Farhan Sheikh", "9876543213", [40, 41])
    record_payment(upi.payable_paise, "412345678901")
    winner_draw.set_prizes(["1st: scooter", "2nd: phone"])
    winner_draw.close_sales()
    winner_draw.draw_winners()
    fresh(app)
    return upi


def card(response):
    """The look-up card: its form, the answer's lead, each listed ticket with what it says, the
    message of a refusal, and all its text."""
    tree = lxml.html.fromstring(response.text)
    (section,) = tree.xpath('//section[@id="check"]')

    def text(node):
        return " ".join(node.text_content().split())

    return {
        "form": section.xpath(".//form")[0],
        "lead": [text(p) for p in section.xpath('.//*[@id="check-answer"]//p[@class="lead"]')],
        "answer": [text(p) for p in section.xpath('.//*[@id="check-answer"]')],
        "entries": [
            (text(li.xpath('./span[@class="ticket"]')[0]), text(li.xpath('./span[@class="what"]')[0]))
            for li in section.xpath('.//ul[@class="entries"]/li')
        ],
        "error": [text(p) for p in section.xpath('.//p[@id="q-err"]')],
        "text": text(section),
    }


def look(app, q, path="/results", status=200):
    return app.get(f"{path}?{urlencode({'q': q})}", status=status)


def test_the_form_is_a_plain_get_form_on_the_results_page(web):
    app, _ = web
    page = app.get("/results")
    form = card(page)["form"]
    assert form.get("method") == "get" and form.get("action") == "/results#check"
    (field,) = form.xpath('.//input[@name="q"]')
    assert field.get("id") == "q" and form.xpath('.//label[@for="q"]')[0].text_content() == (
        "Booking reference or ticket number"
    )
    assert form.xpath('.//button[@type="submit"]') and not form.xpath('.//input[@name="csrf"]')
    assert card(page)["answer"] == [] and card(page)["error"] == []


def test_before_the_draw_the_results_are_not_out_yet(web):
    app, draw = web
    hold = hold_tickets("Asha Patel", "9876543210", [5])
    record_payment(hold.payable_paise, "412345678901")
    for q in (hold.reference, "5", "LD-AAAAAA"):
        assert card(look(app, q))["answer"] == [
            f"The results are not out yet: the winners of {draw.name} have not been drawn. Check again after the draw."
        ]
    winner_draw.close_sales()
    fresh(app)
    assert card(look(app, "5"))["answer"][0].startswith("The results are not out yet")


def test_by_reference_that_bookings_own_numbers(web):
    app, _ = web
    upi = sell_and_draw(app)
    won = {row["ticket"]: row["prize"] for row in published.published_results()["winners_by_prize"]}
    for q in (upi.reference, upi.reference.lower().replace("-", "")):
        found = card(look(app, q))
        assert found["lead"] == [f"Booking {upi.reference} was paid. Its numbers:"]
        expected = [(f"Ticket {n:03d}", f"Won: {won[n]}" if n in won else "In the draw, no prize") for n in (40, 41)]
        assert found["entries"] == expected
        assert found["form"].xpath('.//input[@name="q"]')[0].get("value") == q
        assert not [s for s in SECRETS if s in found["text"]]


def test_by_ticket_number_that_ticket_alone(web):
    app, _ = web
    sell_and_draw(app)
    won = {row["ticket"]: row["prize"] for row in published.published_results()["winners_by_prize"]}
    for number in (1, 2, 3, 10, 11, 40, 41):
        found = card(look(app, str(number)))
        assert found["lead"] == [f"Ticket {number:03d} is on the published list of sold tickets: it was in the draw."]
        assert found["entries"] == [
            (f"Ticket {number:03d}", f"Won: {won[number]}" if number in won else "In the draw, no prize")
        ]
        assert ("Congratulations!" in found["text"]) == (number in won)
        assert not [s for s in SECRETS if s in found["text"]], "no name, no mobile"
    found = card(look(app, "041"))
    assert [label for label, _ in found["entries"]] == ["Ticket 041"], "not the booking's other number"
    never = card(look(app, "99"))
    assert never["lead"] == ["Ticket 099 is not on the published list of sold tickets: it was not in the draw."]
    assert never["entries"] == [("Ticket 099", "Not in the draw")]


def test_a_typo_gets_a_clear_message_and_is_kept_in_the_field(web):
    app, _ = web
    upi = sell_and_draw(app)
    cases = [
        ("LD-7K3Q", 422, "'LD-7K3Q' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("101", 422, "There is no ticket 101: numbers run from 1 to 100."),
        ("", 422, "Please enter your booking reference (like LD-7K3Q2P) or a ticket number."),
        ("LD-AAAAAA", 404, "No booking of this draw has the reference LD-AAAAAA. Check it on your receipt."),
    ]
    for q, status, message in cases:
        found = card(look(app, q, status=status))
        assert found["error"] == [message] and found["answer"] == []
        assert found["form"].xpath('.//input[@name="q"]')[0].get("aria-invalid") == "true"
    evil = look(app, "<b>x</b>", status=422)
    assert "<b>x</b>" not in evil.text and "&lt;b&gt;x&lt;/b&gt;" in evil.text
    assert card(look(app, upi.reference))["error"] == []


def test_an_archived_draw_answers_at_its_own_address(web, tmp_path):
    app, draw = web
    upi = sell_and_draw(app)
    new_draw(tmp_path, name="Holi Mela")
    fresh(app)
    page = app.get(f"/results/{draw.id}")
    assert card(page)["form"].get("action") == f"/results/{draw.id}#check"
    found = card(look(app, upi.reference, path=f"/results/{draw.id}"))
    assert [label for label, _ in found["entries"]] == ["Ticket 040", "Ticket 041"]
    assert card(look(app, upi.reference))["answer"][0].startswith("The results are not out yet: the winners of Holi")


@pytest.fixture
def limited(db_url, tmp_path):
    app, draw = make_web(db_url, tmp_path, lookup_limit_ip=Limit(3, 60))
    yield app, draw
    shared_db.close()


def test_look_ups_are_limited_per_ip_with_my_tickets(limited):
    app, _ = limited
    for _ in range(5):
        app.get("/results")  # showing the page is not a look-up
    for q in ("5", "LD-AAAAAA"):
        look(app, q)
    mine = app.get("/mine")
    app.post("/mine", {"csrf": csrf_of(mine), "mobile": "9876543210", "reference": "LD-AAAAAA"}, status=404)
    refused = look(app, "5", status=429)
    assert refused.headers["Retry-After"].isdigit()
    (message,) = card(refused)["error"]
    assert message.startswith("Too many look-ups from your connection. Please try again in ")
    other = app.get("/results?q=5", extra_environ={"REMOTE_ADDR": "198.51.100.9"})
    assert card(other)["answer"][0].startswith("The results are not out yet"), "another connection has its own"
