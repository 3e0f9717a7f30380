"""The HTML pages through the WSGI app, on SQLite and PostgreSQL: details → grid → payment →
success without JavaScript, the expired page, "my tickets", CSRF, escaping, headers, static files."""

import re
from datetime import timedelta

import pytest

from buyerweb.ratelimit import Limit
from shared.booking import availability, hold_tickets
from shared.db import utcnow
from shared.draws import set_sales_open
from shared.models import Order
from shared.money import parse_amount
from shared.payments import record_payment
from tests.helpers.web import bookings_listed, csrf_of, make_web, post_json, receipt_numbers, start_buyer


def hold_by_form(app, grid, numbers, status=303):
    return app.post(
        "/pick",
        {"csrf": csrf_of(grid), "r": "0", "action": "hold", "t": [str(n) for n in numbers]},
        status=status,
        expect_errors=True,
    )


def test_whole_purchase_without_javascript(web):
    app, draw = web
    home = app.get("/")
    assert "Your name" in home.text and "Mobile number" in home.text and "₹10.00" in home.text
    grid = start_buyer(app)
    assert grid.status_int == 200 and "Choose your numbers" in grid.text
    assert grid.text.count('class="t"') == 100, "all 100 numbers are free"
    r = hold_by_form(app, grid, [5, 17])
    pay_url = r.headers["Location"]
    session_id = pay_url.rsplit("/", 1)[1]
    pay = app.get(pay_url)
    text = pay.text
    assert "₹20.00" in text and "<svg" in text and "Pay to UPI ID" in text
    # a personal UPI ID (the default): no payment link, which the big apps refuse since 2025
    assert "Open UPI app" not in text and "upi://" not in text
    assert "Save QR" in text and 'data-copy="organiser@okaxis"' in text
    assert 'data-copy="20.00"' in text
    order = Order.get(Order.session_id == session_id)
    assert order.reference in text and "005, 017" in text
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in text, "refreshes itself without JS"
    assert "Numbers held for you until" in text
    record_payment(parse_amount("20.00"), "123456789012")
    done = app.get(pay_url, status=303).follow()
    assert "Booking confirmed" in done.text and receipt_numbers(done.text) == ["005", "017"]
    assert order.reference in done.text and "₹20.00" in done.text and "Asha Devi" in done.text
    assert f"Draw commitment: <code>{draw.seed_hash}</code>" in done.text


def test_why_the_paise_are_there(web):
    app, _ = web
    post_json(app, {"name": "First", "mobile": "9876500001", "tickets": [1]}, status=201)
    second = post_json(app, {"name": "Second", "mobile": "9876500002", "tickets": [2]}, status=201).json
    pay = app.get(second["pay_url"])
    assert "₹10.01" in pay.text and "The extra 1 paisa makes" in pay.text


def test_commitment_in_every_footer(web):
    app, draw = web
    for path in ("/", "/mine", "/nowhere"):
        r = app.get(path, expect_errors=True)
        assert f"Draw commitment: <code>{draw.seed_hash}</code>" in r.text, path


def test_grid_shows_taken_numbers_as_unavailable(web):
    app, _ = web
    hold_tickets("Other", "9000000001", [3])
    sold = hold_tickets("Other", "9000000002", [4])
    record_payment(sold.payable_paise, "123456789099")
    grid = start_buyer(app)
    assert re.search(r'<label class="t held" id="t3"><input[^>]* disabled>', grid.text)
    assert re.search(r'<label class="t sold" id="t4"><input[^>]* disabled>', grid.text)
    assert "on hold" in grid.text and "sold" in grid.text


def test_taken_numbers_named_and_rest_kept_without_javascript(web):
    app, _ = web
    grid = start_buyer(app)
    hold_tickets("Quicker", "9000000003", [6])
    r = hold_by_form(app, grid, [5, 6, 7], status=409)
    assert "Ticket 006 was just taken by someone else" in r.text
    assert re.search(r'value="5" checked', r.text) and re.search(r'value="7" checked', r.text)
    assert re.search(r'id="t6"><input[^>]* disabled', r.text)
    assert Order.select().count() == 1


def test_details_form_errors_are_shown_and_kept(web):
    app, _ = web
    home = app.get("/")
    r = app.post("/start", {"csrf": csrf_of(home), "name": "", "mobile": "12"}, status=422)
    assert "Please enter a name" in r.text and "Mobile number must have 10 digits" in r.text
    assert 'aria-invalid="true"' in r.text and 'value="12"' in r.text


def test_csrf_is_required_on_every_form(web):
    app, _ = web
    app.get("/")
    r = app.post("/start", {"name": "Asha", "mobile": "9876543210"}, status=403)
    assert "open for too long" in r.text
    r = app.post("/start", {"csrf": "0" * 32, "name": "Asha", "mobile": "9876543210"}, status=403)
    for odd in ("अ" * 64, "ñ"):  # beyond ASCII: refused like any wrong token, never a 500
        r = app.post("/start", {"csrf": odd, "name": "Asha", "mobile": "9876543210"}, status=403)
        assert "open for too long" in r.text
    grid = start_buyer(app)
    r = app.post("/pick", {"csrf": "f" * 32, "action": "hold", "t": "5"}, status=403)
    assert Order.select().count() == 0
    hold = post_json(app, {"name": "A", "mobile": "9876543210", "tickets": [9]}, status=201).json
    app.post(f"/pay/{hold['session_id']}/cancel", {"csrf": "bad"}, status=303)
    assert Order.get(Order.session_id == hold["session_id"]).state == "pending"
    r = app.post("/mine", {"mobile": "9876543210", "reference": hold["reference"]}, status=403)
    assert "Your bookings" not in r.text
    assert grid.status_int == 200


def test_buyer_text_is_escaped_everywhere(web):
    app, _ = web
    evil = '<script>alert("x")</script>'
    grid = start_buyer(app, name=evil)
    assert evil not in grid.text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in grid.text
    r = hold_by_form(app, grid, [1])
    record_payment(parse_amount("10.00"), "123456789012")
    receipt = app.get(r.headers["Location"]).follow()
    assert evil not in receipt.text and "&lt;script&gt;" in receipt.text
    order = Order.get()
    mine = app.get("/mine")
    found = app.post(
        "/mine", {"csrf": csrf_of(mine), "mobile": "9876543210", "reference": order.reference + evil}, status=404
    )
    assert evil not in found.text


def test_security_headers_on_every_response(web):
    app, _ = web
    responses = [
        app.get("/"),
        app.get("/api/tickets"),
        app.get("/nowhere", status=404),
        app.get("/api/check_payment/1", status=404),
        app.get("/static/app.css"),
        post_json(app, "{", status=400),
    ]
    for r in responses:
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style(web):
    app, _ = web
    grid = start_buyer(app)
    for page in (app.get("/"), grid):
        assert "<script>" not in page.text and "style=" not in page.text and " onclick" not in page.text


def test_static_files_have_cache_headers(web):
    app, _ = web
    home = app.get("/")
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', home.text).group(1)
    r = app.get(css)
    assert "immutable" in r.headers["Cache-Control"] and r.content_type == "text/css"
    js = re.search(r'src="(/static/app\.js\?v=[0-9a-f]+)"', home.text).group(1)
    assert "max-age=31536000" in app.get(js).headers["Cache-Control"]
    assert app.get("/static/app.css").headers["Cache-Control"] == "public, max-age=300"
    app.get("/static/../app.py", status=404)
    app.get("/static/nothing.css", status=404)


def test_form_body_limit(web):
    app, _ = web
    app.get("/")
    r = app.post("/start", {"name": "x" * 20000, "mobile": "9876543210"}, status=413)
    assert "too large" in r.text


def test_expired_page_offers_to_start_again(web):
    app, _ = web
    lapsed = hold_tickets("Late", "9876543210", [11, 12], now=utcnow() - timedelta(minutes=30))
    r = app.get(f"/pay/{lapsed.session_id}")
    assert "This booking has expired" in r.text and "Start again" in r.text
    assert "Your payment is not lost" in r.text and lapsed.reference in r.text
    assert "/pick?sel=11%2C12" in r.text
    assert app.get(f"/api/check_payment/{lapsed.session_id}").json["status"] == "expired"


def test_start_again_cancels_and_keeps_the_numbers_picked(web):
    app, _ = web
    grid = start_buyer(app)
    pay = app.get(hold_by_form(app, grid, [21, 22]).headers["Location"])
    session_id = pay.request.path.rsplit("/", 1)[1]
    r = app.post(f"/pay/{session_id}/cancel", {"csrf": csrf_of(pay)}, status=303)
    assert "/pick?sel=21%2C22" in r.headers["Location"]
    assert Order.get(Order.session_id == session_id).state == "cancelled"
    assert availability()["free"] == 100
    again = r.follow()
    assert re.search(r'value="21" checked', again.text)
    assert "cancelled" in app.get(f"/pay/{session_id}").text


def test_start_again_after_paying_changes_nothing(web):
    app, _ = web
    grid = start_buyer(app)
    pay = app.get(hold_by_form(app, grid, [31]).headers["Location"])
    session_id = pay.request.path.rsplit("/", 1)[1]
    record_payment(Order.get(Order.session_id == session_id).payable_paise, "123456789077")
    r = app.post(f"/pay/{session_id}/cancel", {"csrf": csrf_of(pay)}, status=303)
    assert r.headers["Location"].endswith(f"/pay/{session_id}")
    assert Order.get(Order.session_id == session_id).state == "paid"


def test_unknown_pages_are_friendly_404s(web):
    app, _ = web
    for path in ("/pay/000000000000", "/pay/abc", "/done/123", "/pay/123456789012/qr.png", "/nope"):
        r = app.get(path, status=404)
        assert "Traceback" not in r.text and "home page" in r.text


def test_save_qr_is_a_png(web):
    app, _ = web
    hold = post_json(app, {"name": "A", "mobile": "9876543210", "tickets": [1]}, status=201).json
    r = app.get(f"/pay/{hold['session_id']}/qr.png")
    assert r.body.startswith(b"\x89PNG\r\n\x1a\n") and r.content_type == "image/png"
    assert f'filename="lucky-draw-{hold["reference"]}.png"' in r.headers["Content-Disposition"]


def test_done_page_needs_a_paid_order(web):
    app, _ = web
    hold = post_json(app, {"name": "A", "mobile": "9876543210", "tickets": [1]}, status=201).json
    assert app.get(f"/done/{hold['session_id']}", status=303).headers["Location"].endswith(hold["pay_url"])


def test_my_tickets_lookup(web):
    app, _ = web
    one = post_json(app, {"name": "Asha", "mobile": "9876543210", "tickets": [1]}, status=201).json
    two = post_json(app, {"name": "Asha", "mobile": "9876543210", "tickets": [2, 3]}, status=201).json
    other = post_json(app, {"name": "Other", "mobile": "9123456789", "tickets": [4]}, status=201).json
    record_payment(parse_amount(one["amount"]), "123456789012")
    form = app.get("/mine")
    r = app.post("/mine", {"csrf": csrf_of(form), "mobile": "+91 98765 43210", "reference": two["reference"].lower()})
    assert bookings_listed(r.text) == {one["reference"]: [1], two["reference"]: [2, 3]}
    assert other["reference"] not in r.text
    assert f"/done/{one['session_id']}" in r.text and f"/pay/{two['session_id']}" in r.text
    wrong = app.post(
        "/mine", {"csrf": csrf_of(form), "mobile": "9123456789", "reference": two["reference"]}, status=404
    )
    assert "No booking matches" in wrong.text and two["session_id"] not in wrong.text
    bad = app.post("/mine", {"csrf": csrf_of(form), "mobile": "12", "reference": ""}, status=422)
    assert "10 digits" in bad.text and "Please enter the reference" in bad.text


def test_my_tickets_lookup_is_rate_limited(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, lookup_limit_ip=Limit(2, 60))
    form = app.get("/mine")
    for _ in range(2):
        app.post("/mine", {"csrf": csrf_of(form), "mobile": "9876543210", "reference": "LD-AAAAAA"}, status=404)
    r = app.post("/mine", {"csrf": csrf_of(form), "mobile": "9876543210", "reference": "LD-AAAAAA"}, status=429)
    assert "try again in" in r.text and r.headers["Retry-After"]


def test_form_hold_is_rate_limited_with_a_clear_wait(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, hold_limit_ip=Limit(1, 60))
    grid = start_buyer(app)
    hold_by_form(app, grid, [1], status=303)
    r = hold_by_form(app, start_buyer(app), [2], status=429)
    assert re.search(r"Please try again in \d+ s", r.text)
    assert Order.select().count() == 1


def test_sales_closed_pages(web):
    app, _ = web
    grid = start_buyer(app)
    set_sales_open(False)
    app.app.luckydraw.draws.clear()
    home = app.get("/")
    assert "Sales are closed" in home.text and 'action="/start"' not in home.text
    assert app.get("/pick", status=303).headers["Location"].endswith("/")
    r = hold_by_form(app, grid, [1], status=409)
    assert "closed" in r.text
    assert Order.select().count() == 0


@pytest.mark.parametrize("ticket_count", [2500])
def test_large_draw_pages_ranges_jump_and_lucky_dip(db_url, tmp_path, ticket_count):
    app, _ = make_web(db_url, tmp_path, draw={"ticket_count": ticket_count})
    grid = start_buyer(app)
    assert grid.text.count('<label class="t') == 100 and "0001–0100" in grid.text and "Next ›" in grid.text
    csrf = csrf_of(grid)
    r = app.post("/pick", {"csrf": csrf, "r": "0", "action": "jump", "jump": "1234", "t": ["7"]}, status=303)
    assert "r=12" in r.headers["Location"] and "sel=7" in r.headers["Location"]
    page = r.follow()
    assert 'id="t1234"' in page.text and 'id="t7"' not in page.text
    assert '<input type="hidden" name="t" value="7">' in page.text, "picks in other ranges are kept"
    r = app.post("/pick", {"csrf": csrf, "r": "12", "action": "next", "t": ["7", "1234"]}, status=303)
    assert "r=13" in r.headers["Location"]
    r = app.post("/pick", {"csrf": csrf, "r": "0", "action": "dip", "dip": "3", "t": ["7"]}, status=303)
    sel = re.search(r"sel=([0-9%C]+)", r.headers["Location"]).group(1).split("%2C")
    assert len(sel) == 4 and "7" in sel
    assert "Lucky dip picked" in r.follow().text
    bad = app.post("/pick", {"csrf": csrf, "r": "0", "action": "jump", "jump": "99999"}, status=422)
    assert "There is no ticket 99999" in bad.text


def test_grid_without_details_asks_for_them(web):
    app, _ = web
    r = app.get("/pick", status=303)
    assert r.headers["Location"] == "/?details=1"
    assert "Please enter your details first" in r.follow().text


def test_huge_selection_lists_are_refused_quickly(web):
    app, _ = web
    grid = start_buyer(app)
    r = app.get("/pick?sel=" + ",".join(["5"] * 50_000))
    assert r.status_int == 200 and 'value="5" checked' not in r.text
    r = app.post("/pick", {"csrf": csrf_of(grid), "action": "hold", "t": ["1"] * 1500}, status=422)
    assert "Too many tickets" in r.text
    assert Order.select().count() == 0


def test_home_offers_to_continue_a_waiting_booking(web):
    app, _ = web
    made = post_json(app, {"name": "A", "mobile": "9876543210", "tickets": [3]}, status=201).json
    home = app.get("/")
    assert "Your booking is waiting for payment" in home.text and made["pay_url"] in home.text
