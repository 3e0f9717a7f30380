"""Archived draws keep their results on the web: every drawn draw is served at /results/<draw number>
(page, results.json, sold.txt), /results links them, and each receipt points at its own draw's
results, through the WSGI app."""

import hashlib
import json

import lxml.html

from shared import results as published
from shared.money import parse_amount
from shared.payments import record_payment
from shared.winner_algorithm import verify_results
from tests.helpers.db import new_draw
from tests.helpers.web import post_json
from tests.web.test_web_results import PRIZES, close_and_draw, fresh, main_text, sell_to_buyers


def links(page) -> list[str]:
    return lxml.html.fromstring(main_text(page)).xpath("//a/@href")


def test_an_archived_draw_keeps_its_results_and_receipts_point_at_them(web, tmp_path):
    app, first = web
    booked = post_json(app, {"name": "Divya Rao", "mobile": "9988776655", "tickets": [50]}, status=201).json
    record_payment(parse_amount(booked["amount"]), "123456789012")
    sold = sell_to_buyers() + [50]
    result = close_and_draw(app)
    first_doc = published.published_results(first.id)

    second = new_draw(tmp_path, name="Holi Draw")  # archives the drawn one
    fresh(app)
    now_booked = post_json(app, {"name": "Kiran", "mobile": "9988776600", "tickets": [60]}, status=201).json
    record_payment(parse_amount(now_booked["amount"]), "123456789013")

    current = app.get("/results")
    assert "Holi Draw" in current.text and "Winners not drawn yet" not in current.text  # still on sale
    assert f"/results/{first.id}" in links(current)

    page = app.get(f"/results/{first.id}")
    body = main_text(page)
    assert f"(draw #{first.id}, archived)" in body
    for winner in result.winners:
        assert f'<span class="vh">Ticket </span>{winner.label}</span>' in body
    assert f"/results/{first.id}/results.json" in links(page) and f"/results/{first.id}/sold.txt" in links(page)
    assert "/results.json" not in links(page)

    doc = json.loads(app.get(f"/results/{first.id}/results.json").body.decode("utf-8"))
    assert doc == first_doc and verify_results(doc).ok
    listing = app.get(f"/results/{first.id}/sold.txt")
    assert listing.body == "".join(f"{n}\n" for n in sorted(sold)).encode("ascii")
    assert hashlib.sha256(listing.body).hexdigest() == doc["list_hash"]
    app.get("/results.json", status=404)  # the current draw has not been drawn

    old_receipt = app.get(f"/done/{booked['session_id']}")
    assert f'<a href="/results/{first.id}">See the winners</a>' in old_receipt.text
    new_receipt = app.get(f"/done/{now_booked['session_id']}")
    assert f'The <a href="/results/{second.id}">results page</a> will show the winners' in new_receipt.text

    # the current draw's own numbered page, and both draws once the second is drawn too
    assert "Holi Draw" in app.get(f"/results/{second.id}").text
    sell_to_buyers()
    close_and_draw(app)
    both = app.get("/results")
    assert f"/results/{first.id}" in links(both) and f"/results/{second.id}" not in links(both)
    assert f"/results/{second.id}" in links(app.get(f"/results/{first.id}"))
    assert PRIZES[0] in app.get(f"/results/{second.id}").text


def test_unknown_and_undrawn_archived_draws_are_404(web, tmp_path):
    app, first = web
    new_draw(tmp_path, name="Second")  # the first is archived without a winner draw
    fresh(app)
    missing = app.get("/results/99", status=404)
    assert "There is no draw #99." in missing.text
    assert app.get("/results/99/results.json", status=404).json["error"] == "There is no draw #99."
    undrawn = app.get(f"/results/{first.id}", status=404)
    assert "ended without a winner draw" in undrawn.text
    assert app.get(f"/results/{first.id}/results.json", status=404).json["error"]
    app.get(f"/results/{first.id}/sold.txt", status=404)
