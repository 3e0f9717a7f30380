"""The web's rough edges a real buyer or a hostile sender hits: a body over the limit is refused by
the app itself (JSON on the API, the site's page on forms), a form sent as the wrong type gets the
site's own error page, and a flood of unsigned junk on the SMS hook never keeps genuine signed
messages out."""

import http.client
import json
import threading
import time

import pytest

from buyerweb.app import create_app
from shared import db as shared_db
from shared import intake
from shared.models import Payment
from shared.models_intake import InboxMessage
from tests.helpers.web import ThreadServer, make_web

CREDIT = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank (UPI {utr})"


@pytest.fixture
def web(db_url, tmp_path):
    """(TestApp, draw) on a fresh database with a 100-ticket draw, buyer limits off."""
    test_app, draw = make_web(db_url, tmp_path)
    yield test_app, draw
    shared_db.close()


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


def test_a_600_kb_booking_gets_a_json_413_from_the_app(web):
    app, _ = web
    body = json.dumps({"name": "Asha", "mobile": "9876543210", "tickets": [1], "pad": "x" * 600_000})
    r = app.post("/api/orders", body, content_type="application/json", status=413, expect_errors=True)
    assert r.content_type == "application/json"
    assert r.json == {"error": "The request is too large (at most 8192 bytes)."}
    assert Payment.select().count() == 0


def test_a_large_body_without_content_length_is_refused_too(web):
    """Chunked (no Content-Length): the app stops reading at the limit and answers JSON."""
    app, _ = web
    body = b'{"name": "' + b"x" * 600_000 + b'"}'
    r = app.post(
        "/api/orders",
        body,
        content_type="application/json",
        extra_environ={"CONTENT_LENGTH": ""},
        status=413,
        expect_errors=True,
    )
    assert r.json["error"] == "The request is too large (at most 8192 bytes)."


def test_a_large_form_gets_the_sites_error_page(web):
    app, _ = web
    r = app.post("/mine", {"mobile": "9876543210", "reference": "x" * 600_000}, status=413, expect_errors=True)
    assert r.content_type == "text/html"
    assert "The request is too large (at most 8192 bytes)." in r.text
    assert 'href="/"' in r.text and "Go to the home page" in r.text


def test_a_415_on_a_form_route_gets_the_sites_error_page(web):
    app, _ = web
    r = app.post("/start", json.dumps({"name": "Asha"}), content_type="application/json", status=415)
    assert r.content_type == "text/html"
    assert "Send the form as application/x-www-form-urlencoded." in r.text
    assert "Go to the home page" in r.text and "Error: 415" not in r.text


def test_a_too_large_hook_body_is_refused_before_reading(web):
    app, _ = web
    intake.enable_sms_hook()
    r = app.post("/hooks/sms", b"x" * (intake.MAX_BODY + 1), content_type="application/json", status=413)
    assert r.json["error"] == "The message is too large: at most 16 KiB."
    assert InboxMessage.select().count() == 0


def signed(secret, n: int) -> tuple[bytes, dict]:
    body = json.dumps(
        {"text": CREDIT.format(amount=f"{1000 + n}.00", utr=f"52683046{n:04d}"), "sender": "VM-HDFCBK"}
    ).encode()
    stamp = str(int(time.time()))
    return body, {"X-Timestamp": stamp, "X-Signature": intake.sms_signature(secret, body, stamp)}


def test_refusals_are_limited_per_ip_and_never_spend_the_signed_budget(web):
    app, _ = web
    secret = intake.enable_sms_hook()
    intake.set_rate_limit("sms", capacity=5, per_second=0.001)  # only 5 signed deliveries at once
    intake.set_rate_limit("sms", "failures", capacity=30, per_second=0.001)  # 30 refusals per address
    intake.set_rate_limit("sms", "expendable", capacity=1000, per_second=1)  # room to store them all
    junk = b'{"text": "junk", "sender": "VM-HDFCBK"}'

    def from_ip(ip, body, headers=None):
        return app.post(
            "/hooks/sms",
            body,
            headers={"X-Signature": "sha256=00", **(headers or {})},
            content_type="application/json",
            extra_environ={"REMOTE_ADDR": ip},
            expect_errors=True,
        )

    first = [from_ip("198.51.100.1", junk).status_int for _ in range(40)]
    assert first[:30] == [401] * 30 and set(first[30:]) == {429}
    assert from_ip("198.51.100.2", junk).status_int == 401  # another sender has its own budget
    for n in range(5):  # the junk spent none of the 5 signed deliveries
        body, headers = signed(secret, n)
        answer = from_ip("198.51.100.1", body, headers)
        assert (answer.status_int, answer.json["status"]) == (200, "recorded")
    assert Payment.select().count() == 5


def _post(port: int, body: bytes, headers: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/hooks/sms", body=body, headers={"Content-Type": "application/json", **headers})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def test_under_a_flood_of_unsigned_junk_every_genuine_sms_is_recorded(db_url, tmp_path):
    """Four threads flood /hooks/sms with unsigned junk (as one address, the forwarder's own carrier
    NAT) while the forwarder delivers 11 genuine signed SMS: all 11 are recorded."""
    _, _draw = make_web(db_url, tmp_path)
    secret = intake.enable_sms_hook()
    server = ThreadServer(create_app(db_url, migrate=False))
    stop = threading.Event()
    junk_statuses: list[int] = []

    def flood(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            status, _ = _post(server.port, json.dumps({"text": f"junk {k}-{n}"}).encode(), {"X-Signature": "sha256=0"})
            junk_statuses.append(status)

    threads = [threading.Thread(target=flood, args=(k,), daemon=True) for k in range(4)]
    try:
        for thread in threads:
            thread.start()
        while len(junk_statuses) < 200:  # the flood is on before the first genuine message
            time.sleep(0.01)
        answers = []
        for n in range(11):
            answers.append(_post(server.port, *signed(secret, n)))
            time.sleep(0.02)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        server.stop()
        shared_db.close()
    assert [(status, body.get("status")) for status, body in answers] == [(200, "recorded")] * 11
    assert Payment.select().where(Payment.source == "sms").count() == 11
    assert {429, 401} <= set(junk_statuses)  # the junk was refused, and then limited
