"""POST /hooks/sms and /hooks/razorpay through the buyer web's app:
what a forwarder app or Razorpay sees (status, JSON, headers), and that a failure is one JSON
sentence, never a stack trace."""

import json
import time

import pytest
import webtest
from peewee import OperationalError

from buyerweb.app import create_app
from shared import intake
from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.models_intake import InboxMessage
from tests.helpers.web import NO_LIMITS

TEXT = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank (UPI {utr})"


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


@pytest.fixture
def web(db_url, draw):
    app = create_app(db_url, migrate=False, **NO_LIMITS)
    return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.9"})


def sms_request(secret, amount="10.00", utr="526830463424", sender="VM-HDFCBK"):
    body = json.dumps({"text": TEXT.format(amount=amount, utr=utr), "sender": sender}).encode()
    stamp = str(int(time.time()))
    return body, {"X-Timestamp": stamp, "X-Signature": intake.sms_signature(secret, body, stamp)}


def post(web, path, body, headers):
    return web.post(path, params=body, headers=headers, content_type="application/json", expect_errors=True)


def captured(amount, event_id="evt_Ny1qWmzN6JtbLw"):
    """A payment.captured event shaped like Razorpay's documented sample."""
    now = int(time.time())
    event = {
        "entity": "event",
        "account_id": "acc_CJoeHMNpi0nC7k",
        "event": "payment.captured",
        "contains": ["payment"],
        "created_at": now,
        "payload": {
            "payment": {
                "entity": {
                    "id": "pay_HO2fEpc9JeOQU5",
                    "entity": "payment",
                    "amount": amount,
                    "currency": "INR",
                    "status": "captured",
                    "order_id": None,
                    "method": "upi",
                    "captured": True,
                    "vpa": "gauri.kumar@okhdfcbank",
                    "notes": [],
                    "fee": 0,
                    "tax": 0,
                    "acquirer_data": {"rrn": "116812981837"},
                    "created_at": now,
                }
            }
        },
    }
    return json.dumps(event).encode(), {"X-Razorpay-Event-Id": event_id}


@pytest.mark.parametrize("path", ["/hooks/sms", "/hooks/razorpay"])
def test_hooks_answer_404_json_until_a_secret_is_set(web, path):
    response = post(web, path, b"{}", {})
    assert response.status_int == 404
    assert response.content_type == "application/json" and response.json == {"error": "There is nothing here."}


def test_a_signed_sms_confirms_a_booking(web):
    hold = hold_tickets("Asha", "9876543210", [1])
    body, headers = sms_request(intake.enable_sms_hook())
    response = post(web, "/hooks/sms", body, headers)
    assert response.status_int == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json == {"status": "recorded", "confirmed": True, "inbox_id": 1}
    assert Order.get(Order.reference == hold.reference).state == "paid"
    assert InboxMessage.get().remote == "203.0.113.9"
    again = post(web, "/hooks/sms", body, headers)
    assert again.status_int == 200 and again.json["status"] == "duplicate"
    assert Payment.select().count() == 1


def test_a_bad_signature_is_a_401_json_sentence(web):
    intake.enable_sms_hook()
    body, headers = sms_request("not-the-secret")
    response = post(web, "/hooks/sms", body, headers)
    assert response.status_int == 401
    assert response.json == {
        "error": "The X-Signature does not match this body; check the secret in the forwarder app."
    }
    assert Payment.select().count() == 0 and InboxMessage.get().outcome == "rejected"


def test_an_oversized_body_is_a_413_and_is_not_stored(web):
    secret = intake.enable_sms_hook()
    body = json.dumps({"text": "x" * (17 * 1024), "sender": "VM-HDFCBK"}).encode()
    stamp = str(int(time.time()))
    response = post(
        web, "/hooks/sms", body, {"X-Timestamp": stamp, "X-Signature": intake.sms_signature(secret, body, stamp)}
    )
    assert response.status_int == 413 and response.json["error"].startswith("The message is too large")
    assert InboxMessage.select().count() == 0


def test_malformed_json_is_a_400(web):
    secret = intake.enable_sms_hook()
    body, stamp = b'{"text": ', str(int(time.time()))
    response = post(
        web, "/hooks/sms", body, {"X-Timestamp": stamp, "X-Signature": intake.sms_signature(secret, body, stamp)}
    )
    assert response.status_int == 400 and response.json["error"] == "The body is not valid JSON."


def test_over_the_rate_limit_is_a_429_with_retry_after(web):
    secret = intake.enable_sms_hook()
    intake.set_rate_limit("sms", capacity=1, per_second=0.01)
    assert post(web, "/hooks/sms", *sms_request(secret)).status_int == 200
    response = post(web, "/hooks/sms", *sms_request(secret, utr="526830463425"))
    assert response.status_int == 429 and int(response.headers["Retry-After"]) >= 1
    assert "error" in response.json


def test_razorpay_event_and_its_retry(web):
    hold = hold_tickets("Asha", "9876543210", [1])
    secret = intake.enable_razorpay_hook("whsec-test-0123456789")
    body, headers = captured(hold.payable_paise)
    headers["X-Razorpay-Signature"] = intake.razorpay_signature(secret, body)
    first = post(web, "/hooks/razorpay", body, headers)
    retry = post(web, "/hooks/razorpay", body, headers)
    assert (first.status_int, first.json["status"]) == (200, "recorded")
    assert (retry.status_int, retry.json["status"]) == (200, "duplicate")
    assert Order.get().state == "paid" and Payment.get().source == "razorpay"
    headers["X-Razorpay-Signature"] = intake.razorpay_signature(secret, body + b" ")
    assert post(web, "/hooks/razorpay", body, headers).status_int == 401


@pytest.mark.parametrize(
    "error, status, header",
    [
        (OperationalError("database is locked"), 503, "3"),
        (RuntimeError("boom"), 500, None),
    ],
)
def test_failures_are_json_sentences_without_a_stack_trace(web, monkeypatch, error, status, header):
    intake.enable_sms_hook()

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(intake, "receive", fail)
    response = web.post("/hooks/sms", params=b"{}", content_type="application/json", expect_errors=True)
    assert response.status_int == status and list(response.json) == ["error"]
    assert response.json["error"].endswith(".") and "Traceback" not in response.text and "boom" not in response.text
    assert response.headers.get("Retry-After") == header
    assert "Traceback" in response.errors  # the trace goes to the server log (wsgi.errors) only
