"""The signed payment hooks as served by the real buyer web (`create_app`), on SQLite and
PostgreSQL: a correctly signed SMS pays a buyer's booking end to end; the hooks answer 404 while
off; the web's CSRF, 8 KiB form limit and HTML error pages do not get in their way."""

import json
import time

import pytest

from shared import intake
from shared.models import Order, Payment
from shared.models_intake import InboxMessage
from shared.money import rupees
from tests.helpers.web import post_json, receipt_numbers

TEXT = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank (UPI {utr})"


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


def signed_sms(secret, amount, utr="526830463424", **extra):
    body = json.dumps({"text": TEXT.format(amount=amount, utr=utr), "sender": "VM-HDFCBK", **extra}).encode()
    stamp = str(int(time.time()))
    return body, {"X-Timestamp": stamp, "X-Signature": intake.sms_signature(secret, body, stamp)}


def post_hook(app, path, body, headers):
    return app.post(path, params=body, headers=headers, content_type="application/json", expect_errors=True)


def test_a_signed_sms_pays_the_booking_through_the_real_web(web):
    app, _ = web
    booked = post_json(app, {"name": "Asha Devi", "mobile": "9876543210", "tickets": [7, 8]}, status=201).json
    secret = intake.enable_sms_hook()
    app.reset()  # the phone's forwarder has no cookies: no CSRF cookie, no buyer cookie
    response = post_hook(app, "/hooks/sms", *signed_sms(secret, booked["amount"]))
    assert response.status_int == 200, response.text
    assert response.json["status"] == "recorded" and response.json["confirmed"] is True
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    payment = Payment.get()
    order = Order.get(Order.session_id == booked["session_id"])
    assert (payment.source, payment.amount_paise, payment.utr, payment.order_id) == (
        "sms",
        booked["amount_paise"],
        "526830463424",
        order.id,
    )
    assert order.state == "paid" and rupees(order.payable_paise) == booked["amount"]
    assert InboxMessage.get().remote == "203.0.113.7"
    status = app.get(f"/api/check_payment/{booked['session_id']}").json
    assert status["status"] == "paid" and status["receipt_url"] == f"/done/{booked['session_id']}"
    receipt = app.get(f"/done/{booked['session_id']}")
    assert "Booking confirmed" in receipt.text and receipt_numbers(receipt.text) == ["007", "008"]
    again = post_hook(app, "/hooks/sms", *signed_sms(secret, booked["amount"]))
    assert again.status_int == 200 and again.json["status"] == "duplicate" and Payment.select().count() == 1


@pytest.mark.parametrize("path", ["/hooks/sms", "/hooks/razorpay"])
def test_hooks_answer_404_json_while_off(web, path):
    app, _ = web
    off = post_hook(app, path, b"{}", {})
    assert off.status_int == 404 and off.content_type == "application/json"
    assert off.json == {"error": "There is nothing here."}
    if path == "/hooks/sms":
        secret = intake.enable_sms_hook()
        intake.disable_sms_hook()
        body, headers = signed_sms(secret, "10.00")
        assert post_hook(app, path, body, headers).status_int == 404
    assert Payment.select().count() == 0


def test_wrong_method_and_bad_signature_are_json_not_html(web):
    app, _ = web
    intake.enable_sms_hook()
    wrong = app.get("/hooks/sms", expect_errors=True)
    assert wrong.status_int == 405 and wrong.content_type == "application/json" and "error" in wrong.json
    bad = post_hook(app, "/hooks/sms", *signed_sms("not-the-secret", "10.00"))
    assert bad.status_int == 401 and bad.content_type == "application/json"
    assert "<" not in bad.text and Payment.select().count() == 0


def test_hooks_have_their_own_16_kib_limit_not_the_forms_8_kib(web):
    app, _ = web
    booked = post_json(app, {"name": "Ravi", "mobile": "9123456789", "tickets": [3]}, status=201).json
    secret = intake.enable_sms_hook()
    body, headers = signed_sms(secret, booked["amount"], note="x" * (12 * 1024))  # over the web's 8 KiB
    assert 8 * 1024 < len(body) < 16 * 1024
    accepted = post_hook(app, "/hooks/sms", body, headers)
    assert accepted.status_int == 200 and accepted.json["confirmed"] is True
    body, headers = signed_sms(secret, booked["amount"], utr="526830463425", note="x" * (17 * 1024))
    refused = post_hook(app, "/hooks/sms", body, headers)
    assert refused.status_int == 413 and refused.json["error"].startswith("The message is too large")
    assert InboxMessage.select().count() == 1 and Payment.select().count() == 1
