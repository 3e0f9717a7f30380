"""What every buyer page says of itself, through the WSGI app on SQLite and PostgreSQL: the home
page's title says the draw's name once, and every page has a short description (meta
description, what a shared link's preview shows) in the buyer's language with the draw's name."""

import lxml.html

from shared import db as shared_db
from shared import winner_draw
from shared.booking import cancel_order, hold_tickets
from shared.payments import record_payment, sell_cash
from tests.helpers.web import csrf_of, make_web, start_buyer


def paid(numbers, name="Asha Devi", mobile="9876543210", utr="412345678901"):
    hold = hold_tickets(name, mobile, numbers)
    record_payment(hold.payable_paise, utr)
    return hold


def description(html: str) -> str:
    (meta,) = lxml.html.fromstring(html).xpath('//head/meta[@name="description"]')
    return meta.get("content")


def titles(html: str) -> str:
    return lxml.html.fromstring(html).xpath("//head/title")[0].text_content()


def test_the_home_page_says_its_title_once(web):
    app, _ = web
    assert titles(app.get("/").text) == "Diwali Mela"
    grid = start_buyer(app)
    assert titles(grid.text) == "Choose your numbers · Diwali Mela"


def test_every_buyer_page_has_a_short_description_with_the_draws_name(web):
    app, draw = web
    grid = start_buyer(app)
    pending = hold_tickets("Ravi Kumar", "9876543211", [30])
    lapsed = hold_tickets("Meena Iyer", "9876543212", [31])
    cancel_order(lapsed.session_id, reason="test")
    receipt = paid([5])
    mine = app.get("/mine")
    pages = {
        "home": app.get("/"),
        "grid": grid,
        "pay": app.get(f"/pay/{pending.session_id}"),
        "cancelled": app.get(f"/pay/{lapsed.session_id}"),
        "receipt": app.get(f"/done/{receipt.session_id}"),
        "mine": mine,
        "mine found": app.post(
            "/mine", {"csrf": csrf_of(mine), "mobile": "9876543210", "reference": receipt.reference}
        ),
        "not found": app.get("/nowhere", status=404),
        "details refused": app.post("/start", {"csrf": csrf_of(mine), "name": "", "mobile": "1"}, status=422),
    }
    general = (
        "Diwali Mela: book lucky draw tickets, pay with any UPI app, and see the winners drawn in a way anyone "
        "can check."
    )
    for name, page in pages.items():
        assert description(page.text) == general, name
    results = (
        "The winner draw of Diwali Mela: the prizes, the winners and everything needed to check the draw yourself."
    )
    assert description(app.get("/results").text) == results
    cancel_order(pending.session_id, reason="test")
    sell_cash("Farhan Sheikh", "9876543213", [40])
    winner_draw.set_prizes(["1st: scooter"])
    winner_draw.close_sales()
    winner_draw.draw_winners()
    app.app.luckydraw.draws.clear()
    app.app.luckydraw.results.clear()
    assert description(app.get("/results").text) == results
    assert description(app.get(f"/results/{draw.id}").text) == results
    assert description(app.get("/").text) == general
    assert all(len(description(p.text)) <= 160 for p in pages.values())


def test_without_a_draw_the_description_is_the_sites(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw=False)
    try:
        general = "Book lucky draw tickets, pay with any UPI app, and see the winners drawn in a way anyone can check."
        for path in ("/", "/mine", "/results"):
            assert description(app.get(path).text) == general, path
        assert titles(app.get("/").text) == "Lucky Draw"
    finally:
        shared_db.close()
