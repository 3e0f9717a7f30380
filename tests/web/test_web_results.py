"""The public winner draw on the buyer web, on SQLite and PostgreSQL: before the draw the
commitment, the announcement and the prizes but never the seed; after it the winners by prize
(first name and initial only), the revealed seed with its ✓ check, the results file that
verifies, the sold list that hashes to the list hash, redraws with the earlier winner struck
through, and the standalone checker. One phone-size screenshot of the results page."""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from buyerweb.app import STATIC, create_app
from shared import db as shared_db
from shared import results as published
from shared import winner_draw
from shared.models import Draw
from shared.money import parse_amount
from shared.payments import record_payment, sell_cash
from shared.winner_algorithm import verify_results
from tests.helpers.db import new_draw
from tests.helpers.web import NO_LIMITS, ROOT, ThreadServer, make_web, post_json

BUYERS = [
    ("Asha Patel", "9876543210"),
    ("Ravi Kumar", "9876543211"),
    ("Meena Iyer", "9876543212"),
    ("Farhan Sheikh", "9876543213"),
    ("Lakshmi Narayanan", "9876543214"),
]
PUBLIC = {
    "Asha Patel": "Asha P.",
    "Ravi Kumar": "Ravi K.",
    "Meena Iyer": "Meena I.",
    "Farhan Sheikh": "Farhan S.",
    "Lakshmi Narayanan": "Lakshmi N.",
}
PRIZES = ["1st: scooter", "2nd: phone", "3rd: mixer"]


def fresh(app):
    """Forget the web's one-second caches after changing the draw behind its back."""
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()


def sell_to_buyers(per_buyer=4):
    for i, (name, mobile) in enumerate(BUYERS):
        sell_cash(name, mobile, list(range(i * per_buyer + 1, (i + 1) * per_buyer + 1)))
    return list(range(1, len(BUYERS) * per_buyer + 1))


def close_and_draw(app):
    winner_draw.set_prizes(PRIZES)
    winner_draw.close_sales("drand round 5")
    result = winner_draw.draw_winners(public_value="abc")
    fresh(app)
    return result


def buyer_of(ticket: int, per_buyer=4) -> str:
    return BUYERS[(ticket - 1) // per_buyer][0]


def main_text(page) -> str:
    return page.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_before_the_draw_the_commitment_but_never_the_seed(web):
    app, draw = web
    seed = Draw.get_by_id(draw.id).seed
    page = app.get("/results")
    assert "are on sale" in page.text and draw.seed_hash in main_text(page)
    missing = app.get("/results.json", status=404)
    assert (
        missing.content_type == "application/json" and missing.json["error"] == "The winners have not been drawn yet."
    )
    app.get("/results/sold.txt", status=404)
    sell_to_buyers()
    winner_draw.set_prizes(PRIZES, one_prize_per_buyer=True)
    winner_draw.close_sales("drand round 5")
    fresh(app)
    page = app.get("/results")
    assert "Winners not drawn yet" in page.text and "Sales are closed" in page.text
    assert "drand round 5" in page.text and all(p in page.text for p in PRIZES) and "One prize per buyer" in page.text
    home = app.get("/")
    assert "Sales are closed" in home.text and "drand round 5" in home.text and "2nd: phone" in home.text
    assert "Winners will be drawn" in home.text and 'href="/results"' in home.text
    for response in (
        page,
        home,
        app.get("/mine"),
        app.get("/results.json", status=404),
        app.get("/results/sold.txt", status=404),
        app.get("/api/tickets"),
    ):
        assert seed not in response.text


def test_after_the_draw_winners_seed_check_and_files(web):
    app, draw = web
    booked = post_json(app, {"name": "Divya Rao", "mobile": "9988776655", "tickets": [50]}, status=201).json
    record_payment(parse_amount(booked["amount"]), "123456789012")
    sold = sell_to_buyers() + [50]
    result = close_and_draw(app)
    seed = Draw.get_by_id(draw.id).seed
    page = app.get("/results")
    body = main_text(page)
    for winner in result.winners:
        name = PUBLIC.get(winner.buyer_name, "Divya R.")
        assert re.search(
            rf'<span class="vh">Ticket </span>{winner.label}</span> <span class="who">'
            rf"{re.escape(name)}</span>",
            body,
        ), (winner.label, name)
    for name, mobile in BUYERS + [("Divya Rao", "9988776655")]:
        assert mobile not in page.text
        assert name.split()[-1] not in page.text, "no surname is ever shown"
    assert seed in body and draw.seed_hash in body
    assert '<p class="check ok"><strong><span aria-hidden="true">✓</span> SHA-256(seed) = commitment</strong>' in body
    assert "Public value (drand round 5)" in body and '<code class="hash">abc</code>' in body
    assert "<dt>Tickets in the draw</dt><dd>21</dd>" in body and result.list_hash in body
    assert "python verify_draw.py results-draw-%d.json" % draw.id in body
    assert 'href="/results.json"' in body and 'href="/results/sold.txt"' in body and 'href="/verify_draw.py"' in body

    results = app.get("/results.json")
    assert results.content_type == "application/json"
    assert results.headers["Content-Disposition"] == f'attachment; filename="results-draw-{draw.id}.json"'
    doc = json.loads(results.body.decode("utf-8"))
    outcome = verify_results(doc)
    assert outcome.ok, outcome.problems
    assert doc["seed"] == seed and doc["sold"] == sorted(sold) and doc == published.published_results()
    assert app.get("/results.json", headers={"If-None-Match": results.headers["ETag"]}, status=304).body == b""

    listing = app.get("/results/sold.txt")
    assert listing.content_type == "text/plain"
    assert listing.body == "".join(f"{n}\n" for n in sorted(sold)).encode("ascii")
    assert hashlib.sha256(listing.body).hexdigest() == doc["list_hash"] == result.list_hash

    receipt = app.get(f"/done/{booked['session_id']}")
    assert f"Draw commitment (SHA-256): <code>{draw.seed_hash}</code>" in receipt.text
    assert "See the winners" in receipt.text
    home = app.get("/")
    assert "Sales are closed" in home.text and "The winners have been drawn" in home.text
    assert 'href="/results">See the winners' in home.text


def test_a_redraw_shows_both_drawings(web):
    app, _ = web
    sell_to_buyers()
    first = close_and_draw(app)
    before = app.get("/results")  # the page is cached now: the redraw must still show
    assert "Redrawn" not in before.text
    phone_winner = first.winners[1]
    again = winner_draw.redraw(["2nd: phone"], reason="not collected within 7 days")
    page = app.get("/results")
    body = main_text(page)
    new = again.winners[0]
    assert "Redrawn in drawing 2: not collected within 7 days." in body
    old_name = PUBLIC[buyer_of(phone_winner.ticket)]
    assert f'<del><span class="vh">was </span>ticket {phone_winner.label} · {old_name}</del>' in body
    phone = body.split("2nd: phone", 1)[1].split("3rd: mixer", 1)[0]
    assert f'{new.label}</span> <span class="who">{PUBLIC[buyer_of(new.ticket)]}</span>' in phone
    assert new.ticket != phone_winner.ticket
    doc = app.get("/results.json").json
    assert [d["number"] for d in doc["drawings"]] == [1, 2] and verify_results(doc).ok


def test_names_and_prizes_are_escaped(web):
    app, _ = web
    sell_cash("<img src=x onerror=alert(1)> Q", "9876543210", [1, 2])
    winner_draw.set_prizes(['<b>Gold</b> & "cup"'])
    winner_draw.close_sales()
    winner_draw.draw_winners()
    fresh(app)
    for page in (app.get("/results"), app.get("/")):
        assert "<b>Gold</b>" not in page.text and "&lt;b&gt;Gold&lt;/b&gt; &amp; &quot;cup&quot;" in page.text
    page = app.get("/results")
    assert "<img" not in page.text and "&lt;img" in page.text
    assert "Public value</dt><dd>none" in page.text


def test_a_seed_that_does_not_match_the_commitment_is_shown_as_such(web):
    """The ✓ line is computed: a commitment changed after the fact turns it into a ✗."""
    app, draw = web
    sell_to_buyers()
    close_and_draw(app)
    assert "SHA-256(seed) = commitment" in app.get("/results").text
    Draw.update(seed_hash="0" * 64).where(Draw.id == draw.id).execute()
    fresh(app)
    page = app.get("/results")
    assert "SHA-256(seed) = commitment" not in page.text and "SHA-256(seed) ≠ commitment" in page.text
    assert not verify_results(app.get("/results.json").json).ok


def test_the_checker_is_served_and_passes_on_the_downloaded_file(web, tmp_path):
    app, _ = web
    script = app.get("/verify_draw.py")
    assert script.content_type == "text/plain" and script.body == (STATIC / "verify_draw.py").read_bytes()
    sell_to_buyers()
    close_and_draw(app)
    winner_draw.redraw(["1"], reason="unclaimed")
    results = app.get("/results.json")
    name = re.search(r'filename="([^"]+)"', results.headers["Content-Disposition"]).group(1)
    (tmp_path / "verify_draw.py").write_bytes(script.body)
    (tmp_path / name).write_bytes(results.body)
    run = subprocess.run(
        [sys.executable, "-I", "verify_draw.py", name], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == "ALL MATCH"


def test_no_draw_yet(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw=False)
    try:
        assert "No draw yet" in app.get("/results").text
        assert app.get("/results.json", status=404).json["error"] == "There is no draw yet."
    finally:
        shared_db.close()


# --- in a phone-size browser -------------------------------------------------------------------

SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("LUCKYDRAW_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "luckydraw-web-screenshots"
)


@pytest.mark.browser
def test_results_page_on_a_phone(sqlite_url, tmp_path):
    chromium_path = "/usr/bin/chromium"
    if not Path(chromium_path).exists():
        if os.environ.get("LUCKYDRAW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LUCKYDRAW_REQUIRE_BROWSER=1 but {chromium_path} is missing")
        pytest.skip(f"browser test skipped: {chromium_path} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    app = create_app(sqlite_url, **NO_LIMITS)
    new_draw(tmp_path, name="Diwali Mela 2025", ticket_count=120, price="10")
    sell_to_buyers(per_buyer=6)
    winner_draw.set_prizes(PRIZES)
    winner_draw.close_sales("drand round 4512000")
    winner_draw.draw_winners(public_value="8f3c61d2a9e04b7f")
    winner_draw.redraw(["2nd: phone"], reason="not collected within 7 days")
    server = ThreadServer(app)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path, args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
            )
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="en-IN",
            )
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server.url + "/results")
            assert page.get_by_role("heading", name="Winners", exact=True).is_visible()
            assert page.locator(".check.ok").is_visible()
            assert page.get_by_role("link", name="Results file", exact=True).is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "web-results.png"), full_page=True)
            page.set_viewport_size({"width": 195, "height": 422})  # the same phone at 200 % zoom
            assert page.evaluate("document.documentElement.scrollWidth") <= 196, "sideways at 200 % zoom"
            browser.close()
            assert not errors, errors
    finally:
        server.stop()
        shared_db.close()
