"""The web side of "one client cannot hold the draw": the attack from the field report (25 booking
requests of 20 tickets from one IP) stops at the cap with a clear message while another IP still
books; cancels count against the IP's hold limit; only the browser that made a booking can cancel
it (403 JSON from the API, a page message from the form; the pay page hides the button there)."""

import lxml.html
from webtest import TestApp

from shared.ratelimit import Limit
from tests.helpers.web import csrf_of, make_web, post_json, start_buyer

OTHER_IP = {"REMOTE_ADDR": "198.51.100.77"}


def order(i, tickets):
    return {"name": f"Buyer {i}", "mobile": f"9{i:09d}", "tickets": tickets}


def test_the_attack_stops_at_the_cap_and_a_second_ip_still_books(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw={"ticket_count": 500, "max_per_order": 20})
    answers = [post_json(app, order(i, list(range(i * 20 + 1, i * 20 + 21)))) for i in range(25)]
    assert [a.status_int for a in answers[:3]] == [201, 201, 201]
    assert {a.status_int for a in answers[3:]} == {409}
    assert answers[3].json["error"] == (
        "Your connection already has 60 tickets waiting for payment, and one connection can hold at most "
        "60 at a time. Pay for those bookings or wait for them to expire before booking more."
    )
    assert app.get("/api/tickets").json["held"] == 60
    other = post_json(app, order(90, list(range(481, 501))), extra_environ=OTHER_IP)
    assert other.status_int == 201 and other.json["tickets"] == list(range(481, 501))


def test_the_form_shows_the_cap_message(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, draw={"ticket_count": 100, "max_per_order": 5, "max_held_per_client": 5})
    assert post_json(app, order(1, [1, 2, 3, 4, 5])).status_int == 201
    grid = start_buyer(app, mobile="9876543210")
    page = app.post("/pick", {"csrf": csrf_of(grid), "t": ["9"], "action": "hold"}, status=409)
    assert "one connection can hold at most 5 at a time" in page.text


def test_cancels_count_against_the_ip_hold_limit(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, hold_limit_ip=Limit(4, 600))
    for i in range(2):
        made = post_json(app, order(i, [i + 1]))
        assert made.status_int == 201
        app.post(f"/api/orders/{made.json['session_id']}/cancel", status=200)
    refused = post_json(app, order(5, [9]))
    assert refused.status_int == 429 and "Too many booking attempts" in refused.json["error"]


def test_only_the_browser_that_booked_can_cancel(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path)
    made = post_json(app, order(1, [7, 8]))
    sid = made.json["session_id"]
    stranger = TestApp(app.app, extra_environ={"REMOTE_ADDR": "203.0.113.7"})

    refused = stranger.post(f"/api/orders/{sid}/cancel", status=403)
    assert refused.json["error"].startswith("Only the phone or browser that made this booking can cancel it.")
    pay = stranger.get(f"/pay/{sid}")
    assert not lxml.html.fromstring(pay.text).xpath(f'//form[@action="/pay/{sid}/cancel"]')
    form = stranger.post(f"/pay/{sid}/cancel", {"csrf": csrf_of(stranger.get("/"))}, status=403)
    assert "Only the phone or browser that made this booking can cancel it." in form.text
    assert app.get(f"/api/check_payment/{sid}").json["status"] == "pending"

    own = app.get(f"/pay/{sid}")
    assert lxml.html.fromstring(own.text).xpath(f'//form[@action="/pay/{sid}/cancel"]')
    done = app.post(f"/api/orders/{sid}/cancel", status=200)
    assert done.json == {"status": "cancelled", "tickets": [7, 8]}
    assert app.get(f"/api/check_payment/{sid}").json["status"] == "cancelled"
    assert app.post(f"/api/orders/{sid}/cancel", status=409).json["error"]


def test_a_forged_owner_cookie_is_refused(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path)
    sid = post_json(app, order(1, [3])).json["session_id"]
    forger = TestApp(app.app, extra_environ={"REMOTE_ADDR": "203.0.113.7"})
    forger.set_cookie("ld_owner", "eyJzIjpbIjEyMzQ1Njc4OTAxMiJdfQ.00000000000000000000000000000000")
    assert forger.post(f"/api/orders/{sid}/cancel", status=403)
