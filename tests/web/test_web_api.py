"""The JSON API through the WSGI app, on SQLite and PostgreSQL: POST /api/orders,
GET /api/check_payment/<id>, GET /api/tickets, GET /healthz, and every way to get them wrong.
Each bad request gets a specific 4xx with one human sentence and changes nothing."""

import json
from datetime import timedelta

import pytest

from shared.booking import availability, hold_tickets, order_status
from shared.db import utcnow
from shared.draws import set_sales_open
from shared.models import Order
from shared.money import parse_amount
from shared.payments import record_payment
from tests.helpers.web import make_web, post_json

GOOD = {"name": "Asha Devi", "mobile": "+91 98765 43210", "tickets": [7, 8]}


def nothing_changed():
    assert Order.select().count() == 0
    assert availability()["free"] == 100


def test_create_order(web):
    app, draw = web
    r = post_json(app, GOOD, status=201)
    data = r.json
    assert set(data) >= {
        "session_id",
        "reference",
        "amount",
        "amount_paise",
        "tickets",
        "expires_at",
        "upi_uri",
        "pay_url",
    }
    assert len(data["session_id"]) == 12 and data["session_id"].isdigit()
    assert data["tickets"] == [7, 8] and data["amount"] == "20.00" and data["amount_paise"] == 2000
    assert data["pay_url"] == f"/pay/{data['session_id']}" and r.headers["Location"].endswith(data["pay_url"])
    assert data["upi_uri"] == (f"upi://pay?pa=organiser@okaxis&pn=Asha%20Stores&am=20.00&cu=INR&tn={data['reference']}")
    assert data["expires_at"].endswith("Z")
    second = post_json(app, {**GOOD, "mobile": "9876543211", "tickets": [9, 10]}, status=201).json
    assert second["amount"] == "20.01", "the second ₹20 order pays a unique amount"


BAD_BODIES = [
    pytest.param("{not json", 400, "not valid JSON", id="garbage-json"),
    pytest.param(b"\xff\xfe\x00", 400, "not valid JSON", id="not-utf8"),
    pytest.param("", 400, "not valid JSON", id="empty-body"),
    pytest.param("[1, 2]", 400, "JSON object", id="json-array"),
    pytest.param('"tickets"', 400, "JSON object", id="json-string"),
    pytest.param("[" * 5000 + "]" * 5000, 400, None, id="deep-nesting"),
    pytest.param({**GOOD, "tickets": "7,8"}, 422, "list of ticket numbers", id="tickets-string"),
    pytest.param({**GOOD, "tickets": None}, 422, "list of ticket numbers", id="tickets-missing"),
    pytest.param({**GOOD, "tickets": {"7": 1}}, 422, "list of ticket numbers", id="tickets-object"),
    pytest.param({**GOOD, "tickets": []}, 422, "at least one", id="tickets-empty"),
    pytest.param({**GOOD, "tickets": ["7", "8"]}, 422, "not a ticket number", id="tickets-strings"),
    pytest.param({**GOOD, "tickets": [7.5]}, 422, "not a ticket number", id="tickets-float"),
    pytest.param({**GOOD, "tickets": [True]}, 422, "not a ticket number", id="tickets-bool"),
    pytest.param({**GOOD, "tickets": [[7]]}, 422, "not a ticket number", id="tickets-nested"),
    pytest.param({**GOOD, "tickets": [0]}, 422, "no ticket 0", id="ticket-zero"),
    pytest.param({**GOOD, "tickets": [101]}, 422, "no ticket 101", id="ticket-unknown"),
    pytest.param({**GOOD, "tickets": [-3]}, 422, "no ticket -3", id="ticket-negative"),
    pytest.param({**GOOD, "tickets": [10**30]}, 422, "no ticket", id="ticket-huge-number"),
    pytest.param({**GOOD, "tickets": [7, 7]}, 422, "more than once", id="duplicates"),
    pytest.param({**GOOD, "tickets": list(range(1, 22))}, 422, "At most 20", id="too-many"),
    pytest.param({**GOOD, "tickets": [1] * 1500}, 422, "Too many tickets", id="huge-array"),
    pytest.param({**GOOD, "name": ""}, 422, "enter a name", id="name-empty"),
    pytest.param({**GOOD, "name": "   "}, 422, "enter a name", id="name-blank"),
    pytest.param({**GOOD, "name": None}, 422, "must be text", id="name-missing"),
    pytest.param({**GOOD, "name": 42}, 422, "must be text", id="name-number"),
    pytest.param({**GOOD, "name": "A" * 81}, 422, "too long", id="name-too-long"),
    pytest.param({**GOOD, "name": "Asha\x00"}, 422, "cannot be used", id="name-control-char"),
    pytest.param({**GOOD, "name": "Asha\u202e"}, 422, "cannot be used", id="name-bidi-override"),
    pytest.param({**GOOD, "mobile": "12345"}, 422, "10 digits", id="mobile-short"),
    pytest.param({**GOOD, "mobile": "5876543210"}, 422, "starts with 6, 7, 8 or 9", id="mobile-bad-start"),
    pytest.param({**GOOD, "mobile": "98765abcde"}, 422, "not a mobile number", id="mobile-letters"),
    pytest.param({**GOOD, "mobile": None}, 422, "10 digits", id="mobile-missing"),
    pytest.param({**GOOD, "mobile": ["9876543210"]}, 422, "10 digits", id="mobile-list"),
]


@pytest.mark.parametrize("body, status, words", BAD_BODIES)
def test_bad_orders_get_a_specific_4xx_and_change_nothing(web, body, status, words):
    app, _ = web
    r = post_json(app, body, status=status)
    assert r.content_type == "application/json"
    assert isinstance(r.json["error"], str) and r.json["error"].endswith((".", "?"))
    if words:
        assert words in r.json["error"]
    assert "Traceback" not in r.text
    nothing_changed()


def test_body_limit(web):
    app, _ = web
    body = json.dumps({**GOOD, "name": "x" * 20_000})
    r = post_json(app, body, status=413)
    assert "too large" in r.json["error"]
    nothing_changed()


def test_wrong_content_type(web):
    app, _ = web
    r = app.post("/api/orders", json.dumps(GOOD), content_type="text/plain", status=415, expect_errors=True)
    assert "JSON" in r.json["error"]
    r = app.post("/api/orders", {"name": "x"}, status=415, expect_errors=True)  # a cross-site form post
    nothing_changed()


def test_taken_numbers_are_named_and_the_rest_untouched(web):
    app, _ = web
    post_json(app, {**GOOD, "tickets": [2, 3]}, status=201)
    r = post_json(app, {**GOOD, "mobile": "9876500000", "tickets": [1, 3, 4]}, status=409)
    assert r.json["taken"] == [3]
    assert "003" in r.json["error"] and "just taken" in r.json["error"]
    states = availability()["states"]
    assert states[0] == "0" and states[3] == "0", "1 and 4 stay free"
    assert Order.select().count() == 1


def test_sales_closed_refuses_holds(web):
    app, _ = web
    set_sales_open(False)
    r = post_json(app, GOOD, status=409)
    assert r.json["code"] == "sales_closed" and "closed" in r.json["error"]
    assert Order.select().count() == 0
    assert app.get("/api/tickets").json["state"] == "closed"


def test_pending_per_mobile_limit_is_a_clear_409(web):
    app, _ = web
    post_json(app, {**GOOD, "tickets": [1]}, status=201)
    post_json(app, {**GOOD, "tickets": [2]}, status=201)
    r = post_json(app, {**GOOD, "tickets": [3]}, status=409)
    assert "unpaid bookings" in r.json["error"]


def test_check_payment_follows_the_order(web):
    app, _ = web
    made = post_json(app, GOOD, status=201).json
    url = f"/api/check_payment/{made['session_id']}"
    r = app.get(url)
    assert r.json["status"] == "pending" and r.json["tickets"] == [7, 8] and 0 < r.json["seconds_left"] <= 600
    assert r.headers["Cache-Control"] == "no-store"
    record_payment(parse_amount("20.00"), "123456789012")
    r = app.get(url)
    assert r.json["status"] == "paid" and r.json["receipt_url"] == f"/done/{made['session_id']}"


def test_the_polls_fast_path_answers_as_the_route_does(web):
    """The plain poll is answered in front of Bottle (buyerweb/poll.py); with a query string it
    goes through the route. Same status, body and headers, pending and paid, over HTTP and HTTPS."""
    app, _ = web
    made = post_json(app, GOOD, status=201).json
    url = f"/api/check_payment/{made['session_id']}"

    def answer(path, **kw):
        r = app.get(path, **kw)
        body = dict(r.json)
        left = body.pop("seconds_left")  # the two answers may fall either side of a second
        return r.status, body, sorted((k, v) for k, v in r.headerlist if k != "Content-Length"), left

    for state in ("pending", "paid"):
        if state == "paid":
            record_payment(parse_amount("20.00"), "123456789012")
        for env in ({}, {"wsgi.url_scheme": "https"}):
            fast, routed = answer(url, extra_environ=env), answer(url + "?via=route", extra_environ=env)
            assert fast[0] == routed[0] == "200 OK"
            assert fast[1] == routed[1] and fast[2] == routed[2], (fast, routed)
            assert abs(fast[3] - routed[3]) <= 1 and fast[1]["status"] == state


def test_the_plain_poll_never_reaches_bottle_and_anything_else_does(web):
    from buyerweb.poll import PollFastPath

    app, _ = web
    assert isinstance(app.app.front, PollFastPath)  # what the buyer web puts in front of the routes
    made = post_json(app, GOOD, status=201).json
    routed = []

    def route(environ, start_response):
        routed.append(environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""))
        start_response("204 No Content", [])
        return [b""]

    fast = PollFastPath(route)
    base = {"REQUEST_METHOD": "GET", "QUERY_STRING": "", "wsgi.url_scheme": "http"}
    seen = []
    body = fast({**base, "PATH_INFO": f"/api/check_payment/{made['session_id']}"}, lambda s, h: seen.append(s))
    assert seen == ["200 OK"] and json.loads(b"".join(body))["reference"] == made["reference"] and routed == []
    for path, query in (
        (f"/api/check_payment/{made['session_id']}", "lang=hi"),  # a query: the route
        ("/api/check_payment/000000000000", ""),  # no such booking: the route says 404
        ("/api/check_payment/12345", ""),
        ("/api/tickets", ""),
    ):
        fast({**base, "PATH_INFO": path, "QUERY_STRING": query}, lambda s, h: None)
    assert len(routed) == 4


@pytest.mark.parametrize(
    "session_id",
    ["000000000000", "abc", "12345678901", "1234567890123", "12345678901a", "%2e%2e%2fetc", "1" * 500, "١٢٣٤٥٦٧٨٩٠١٢"],
)
def test_check_payment_unknown_or_malformed_is_404_json(web, session_id):
    app, _ = web
    from urllib.parse import quote

    r = app.get(f"/api/check_payment/{quote(session_id, safe='%')}", status=404, expect_errors=True)
    assert r.content_type == "application/json" and r.json["error"]
    assert "Traceback" not in r.text


def test_status_poll_reads_what_the_database_holds(web):
    """The polling endpoint's plain-SQL read agrees with the booking rows, in every state."""
    app, _ = web
    now = utcnow()
    pending = hold_tickets("A", "9876543210", [1])
    paid = hold_tickets("B", "9876543211", [2])
    record_payment(paid.payable_paise, "123456789013")
    lapsed = hold_tickets("C", "9876543212", [3], now=now - timedelta(minutes=30))
    for hold, state in ((pending, "pending"), (paid, "paid"), (lapsed, "expired")):
        api = app.get(f"/api/check_payment/{hold.session_id}").json
        core = order_status(hold.session_id)
        assert api["status"] == core.state == state
        assert api["tickets"] == list(core.tickets)
        assert api["amount_paise"] == core.payable_paise
        row = Order.get(Order.session_id == hold.session_id)
        assert (core.reference, core.expires_at, core.paid_at) == (row.reference, row.expires_at, row.paid_at)


def test_tickets_availability(web):
    app, draw = web
    post_json(app, {**GOOD, "tickets": [1, 100]}, status=201)
    data = app.get("/api/tickets").json
    assert data["count"] == 100 and data["held"] == 2 and data["free"] == 98 and data["sold"] == 0
    assert len(data["states"]) == 100 and data["states"][0] == "1" and data["states"][99] == "1"
    assert data["max_per_order"] == 20 and data["price_paise"] == 1000 and data["width"] == 3
    part = app.get("/api/tickets?from=95&to=100").json
    assert part["from"] == 95 and part["states"] == "000001"
    assert app.get("/api/tickets?from=x", status=400, expect_errors=True).json["error"]
    assert app.get("/api/tickets?from=9&to=2", status=400, expect_errors=True).json["error"]


def test_healthz(web):
    app, _ = web
    assert app.get("/healthz").json == {"ok": True}


def test_rate_limit_per_ip(db_url, tmp_path):

    from buyerweb.ratelimit import Limit

    app, _ = make_web(db_url, tmp_path, hold_limit_ip=Limit(3, 60))
    for i in range(3):
        post_json(app, {**GOOD, "mobile": f"987650000{i}", "tickets": [i + 1]}, status=201)
    r = post_json(app, {**GOOD, "mobile": "9876500009", "tickets": [50]}, status=429)
    assert "try again in" in r.json["error"] and r.json["retry_after"] >= 1
    assert r.headers["Retry-After"] == str(r.json["retry_after"])
    assert Order.select().count() == 3
    other = app.app  # another connection (IP) is not affected
    from webtest import TestApp

    post_json(
        TestApp(other, extra_environ={"REMOTE_ADDR": "198.51.100.1"}),
        {**GOOD, "mobile": "9876500010", "tickets": [60]},
        status=201,
    )


def test_rate_limit_per_mobile(db_url, tmp_path):

    from buyerweb.ratelimit import Limit

    app, _ = make_web(db_url, tmp_path, hold_limit_mobile=Limit(2, 600))
    post_json(app, {**GOOD, "tickets": [1]}, status=201)
    post_json(app, {**GOOD, "tickets": [1]}, status=409)  # a refusal still counts as an attempt
    r = post_json(app, {**GOOD, "mobile": "098765 43210", "tickets": [5]}, status=429)  # same number, other spelling
    assert "this mobile number" in r.json["error"] and "try again in" in r.json["error"]
    post_json(app, {**GOOD, "mobile": "9123456789", "tickets": [5]}, status=201)


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/admin"),
        ("GET", "/api/payments"),
        ("POST", "/api/payments"),
        ("POST", "/api/pay"),
        ("POST", "/api/settings"),
        ("GET", "/api/settings"),
        ("POST", "/api/draws"),
        ("GET", "/api/export"),
        ("POST", "/api/orders/1/assign"),
        ("GET", "/api/stats"),
        ("POST", "/api/check_payments"),
    ],
)
def test_no_admin_function_over_http(web, method, path):
    app, _ = web
    r = app.request(path, method=method, expect_errors=True)
    assert r.status_int == 404
    if path.startswith("/api/"):
        assert r.json["error"]
    else:
        assert "Page not found" in r.text


def test_wrong_method_is_405_json(web):
    app, _ = web
    r = app.post("/api/check_payment/123456789012", expect_errors=True)
    assert r.status_int == 405 and r.content_type == "application/json" and r.json["error"]


def test_internal_errors_never_show_a_stack_trace(web, monkeypatch):
    app, _ = web
    from shared import booking

    def boom(session_id, now):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(booking, "order_status", boom)
    r = app.get("/api/check_payment/123456789012", status=500, expect_errors=True)
    assert r.json == {"error": "Something went wrong on our side; please try again."}
    assert "Traceback" not in r.text and "passwd" not in r.text


def test_database_trouble_is_a_503_with_retry(web, monkeypatch):
    from peewee import OperationalError

    from shared import booking

    app, _ = web

    def locked(session_id, now, *, cached=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(booking, "order_status", locked)
    r = app.get("/api/check_payment/123456789012", status=503, expect_errors=True)
    assert "try again" in r.json["error"] and r.headers["Retry-After"] == "3"
    assert "locked" not in r.text


def test_connection_kept_per_thread_or_closed_per_request(db_url, tmp_path):

    from shared import db as shared_db

    app, _ = make_web(db_url, tmp_path)
    app.get("/api/tickets")
    assert not shared_db.database.obj.is_closed(), "kept open for this thread's next request"
    app, _ = make_web(db_url, tmp_path, draw=False, keep_connections=False)
    assert app.get("/api/tickets").json["count"] == 100
    assert shared_db.database.obj.is_closed(), "peewee's per-request connect/close"


def test_taken_lookup_agrees_with_the_tickets(web):
    from shared.draws import current_draw
    from shared.hold_sql import taken_numbers

    def taken_now(numbers):
        return taken_numbers(current_draw().id, numbers, utcnow())[0]

    app, _ = web
    now = utcnow()
    hold_tickets("A", "9876543210", [1, 2])
    sold = hold_tickets("B", "9876543211", [3])
    record_payment(sold.payable_paise, "123456789014")
    hold_tickets("C", "9876543212", [4], now=now - timedelta(minutes=30))  # lapsed: free again
    assert taken_now([1, 3, 4, 5]) == [1, 3]
    assert taken_now([2]) == [2]
    assert taken_now([4, 5, 6]) == []
