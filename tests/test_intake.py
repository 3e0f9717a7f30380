"""Automatic payment intake (shared.intake): signed SMS-forwarder messages and Razorpay webhooks
only ever record payments, every message lands in the inbox with its outcome, repeats change
nothing, and anything unsigned, stale, oversized or unreadable records nothing. Both databases."""

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from shared import intake
from shared.booking import expire_due, hold_tickets
from shared.db import utcnow
from shared.errors import Conflict, InvalidInput
from shared.models import Order, Payment, Setting
from shared.models_intake import InboxKey, InboxMessage
from shared.stats import reconcile
from tests.helpers.db import new_draw
from tests.helpers.web import ROOT

CREDIT = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank (UPI {utr})"
CREDIT_ICICI = (
    "Dear Customer, Acct XX910 is credited with Rs {amount} on 25-Jul-26 from PAYER NAME. UPI:{utr}-ICICI Bank."
)
DEBIT = "Rs 10.00 debited from A/c XX1234 on 01-01-25. UPI Ref 412345678901."


@pytest.fixture(autouse=True)
def fresh_limits():
    intake.reset_rate_limits()
    yield
    intake.reset_rate_limits()


@pytest.fixture
def sms_secret(draw):
    return intake.enable_sms_hook()


@pytest.fixture
def rzp_secret(draw):
    return intake.enable_razorpay_hook("whsec-test-0123456789")


def sms_body(text, sender="VM-HDFCBK", **extra) -> bytes:
    return json.dumps({"text": text, "sender": sender, **extra}).encode()


def post_sms(secret, body, *, stamp=None, headers=None, now=None, sign=True):
    stamp = str(int(time.time())) if stamp is None else stamp
    sent = {"Content-Type": "application/json", "X-Timestamp": stamp}
    if sign:
        sent["X-Signature"] = intake.sms_signature(secret, body, stamp)
    sent.update(headers or {})
    return intake.receive("sms", {k: v for k, v in sent.items() if v is not None}, body, remote="10.0.0.7", now=now)


def razorpay_event(
    event,
    amount,
    *,
    rrn="116812981837",
    pay_id="pay_HO2fEpc9JeOQU5",
    notes=None,
    qr_notes=None,
    status="captured",
    currency="INR",
    created_at=None,
) -> dict:
    """Shaped like Razorpay's documented payment.captured / qr_code.credited payloads."""
    created_at = created_at or int(time.time())
    payment = {
        "id": pay_id,
        "entity": "payment",
        "amount": amount,
        "currency": currency,
        "status": status,
        "order_id": None,
        "invoice_id": None,
        "international": False,
        "method": "upi",
        "amount_refunded": 0,
        "refund_status": None,
        "captured": status == "captured",
        "description": "QRv2 Payment",
        "card_id": None,
        "bank": None,
        "wallet": None,
        "vpa": "gauri.kumar@okhdfcbank",
        "email": "gauri.kumari@example.com",
        "contact": "+919999999999",
        "customer_id": "cust_HKsR5se84c5LTO",
        "notes": notes if notes is not None else [],
        "fee": 0,
        "tax": 0,
        "error_code": None,
        "error_description": None,
        "error_source": None,
        "error_step": None,
        "error_reason": None,
        "acquirer_data": {"rrn": rrn},
        "created_at": created_at,
    }
    payload, contains = {"payment": {"entity": payment}}, ["payment"]
    if event == "qr_code.credited":
        contains.append("qr_code")
        payload["qr_code"] = {
            "entity": {
                "id": "qr_HO2e0813YlchUn",
                "entity": "qr_code",
                "created_at": created_at - 70,
                "name": "Diwali Mela",
                "usage": "multiple_use",
                "type": "upi_qr",
                "image_url": "https://rzp.io/i/X6QM7LL",
                "payment_amount": None,
                "status": "active",
                "description": "Tickets",
                "fixed_amount": False,
                "payments_amount_received": 0,
                "payments_count_received": 0,
                "notes": qr_notes if qr_notes is not None else [],
                "customer_id": "cust_HKsR5se84c5LTO",
                "close_by": created_at + 86400,
                "closed_at": None,
                "close_reason": None,
            }
        }
    return {
        "entity": "event",
        "account_id": "acc_CJoeHMNpi0nC7k",
        "event": event,
        "contains": contains,
        "payload": payload,
        "created_at": created_at,
    }


def post_razorpay(secret, event: dict | bytes, *, event_id="evt_Ny1qWmzN6JtbLw", signature=None, now=None):
    raw = event if isinstance(event, bytes) else json.dumps(event, indent=2).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Razorpay-Event-Id": event_id,
        "X-Razorpay-Signature": signature if signature is not None else intake.razorpay_signature(secret, raw),
    }
    return intake.receive("razorpay", {k: v for k, v in headers.items() if v is not None}, raw, now=now)


def only_message() -> InboxMessage:
    assert InboxMessage.select().count() == 1
    return InboxMessage.get()


def outcomes() -> list[str]:
    return [m.outcome for m in InboxMessage.select().order_by(InboxMessage.id)]


# ------------------------------------------------------------------ switched off


@pytest.mark.parametrize("source", ["sms", "razorpay"])
def test_a_hook_without_a_secret_does_not_exist(draw, source):
    response = intake.receive(source, {"X-Signature": "sha256=00"}, b"{}")
    assert response.status == 404 and response.body == {"error": "There is nothing here."}
    assert InboxMessage.select().count() == 0


def test_disabling_removes_the_hook_and_enabling_again_rotates_the_secret(draw):
    old = intake.enable_sms_hook()
    new = intake.enable_sms_hook()
    assert old != new and len(new) == 64
    body = sms_body(CREDIT.format(amount="10.00", utr="526830463424"))
    assert post_sms(old, body).status == 401
    intake.disable_sms_hook()
    assert post_sms(new, body).status == 404
    assert not intake.sms_hook_settings().enabled
    assert Payment.select().count() == 0


# ------------------------------------------------------------------ SMS forwarder


def test_a_signed_bank_sms_confirms_the_booking_with_that_amount(sms_secret):
    first = hold_tickets("Asha", "9876543210", [1])
    second = hold_tickets("Bala", "9876543211", [2])
    sent = "2025-01-05T10:31:00+05:30"
    response = post_sms(sms_secret, sms_body(CREDIT.format(amount="10.01", utr="526830463424"), sent_at=sent))
    assert response.status == 200
    assert response.body["status"] == "recorded" and response.body["confirmed"] is True
    payment = Payment.get(Payment.utr == "526830463424")
    assert payment.source == "sms" and payment.amount_paise == 1001 and payment.status == "matched"
    assert payment.order.reference == second.reference and payment.payer_vpa == "user34@axisbank"
    assert payment.received_at == datetime(2025, 1, 5, 5, 1)
    assert Order.get(Order.reference == second.reference).state == "paid"
    assert Order.get(Order.reference == first.reference).state == "pending"
    message = only_message()
    assert (message.outcome, message.sender, message.utr, message.amount_paise) == (
        "recorded_matched",
        "VM-HDFCBK",
        "526830463424",
        1001,
    )
    assert message.payment_id == payment.id and message.authenticated and not message.expendable
    assert json.loads(message.headers)["x-timestamp"] and message.remote == "10.0.0.7"
    item = intake.inbox_items(10)[0]
    assert item.order_reference == second.reference and item.match_outcome == "matched"
    assert reconcile(payment.draw_id).ok


def test_an_sms_for_no_booking_is_recorded_unmatched(sms_secret):
    response = post_sms(sms_secret, sms_body(CREDIT.format(amount="77.00", utr="526830463424")))
    assert response.body["status"] == "recorded" and response.body["confirmed"] is False
    assert Payment.get().status == "unmatched"
    assert only_message().outcome == "recorded_unmatched"
    assert "UNMATCHED" in only_message().reason


def test_a_reference_in_the_text_is_used_for_matching(sms_secret):
    hold = hold_tickets("Asha", "9876543210", [5])
    text = CREDIT.format(amount="10.00", utr="526830463424") + f" Note {hold.reference.replace('-', '')}"
    assert post_sms(sms_secret, sms_body(text)).body["confirmed"] is True
    assert Payment.get().reference == hold.reference


@pytest.mark.parametrize("case", ["wrong_secret", "missing", "reserialised", "bad_timestamp", "tampered_stamp"])
def test_a_bad_signature_is_refused_stored_and_records_nothing(sms_secret, case):
    hold_tickets("Asha", "9876543210", [1])
    raw = json.dumps(
        {"sender": "VM-HDFCBK", "text": CREDIT.format(amount="10.00", utr="526830463424")}, indent=1
    ).encode()
    stamp = str(int(time.time()))
    signature = intake.sms_signature(sms_secret, raw, stamp)
    headers = {"X-Signature": signature}
    if case == "wrong_secret":
        headers["X-Signature"] = intake.sms_signature("not-the-secret", raw, stamp)
    elif case == "missing":
        headers["X-Signature"] = None
    elif case == "reserialised":  # same JSON meaning, other bytes: the signature is over the raw body
        headers["X-Signature"] = intake.sms_signature(sms_secret, json.dumps(json.loads(raw)).encode(), stamp)
    elif case == "bad_timestamp":
        stamp = "yesterday"
    elif case == "tampered_stamp":
        stamp = str(int(stamp) - 1)
    response = post_sms(sms_secret, raw, stamp=stamp, headers=headers, sign=False)
    assert response.status == 401 and response.body["error"].endswith(".")
    assert Payment.select().count() == 0 and Order.get().state == "pending"
    message = only_message()
    assert message.outcome == "rejected" and not message.authenticated and message.expendable
    assert message.reason == response.body["error"]
    assert bytes(message.body) == raw  # small enough to keep whole


def test_an_unsigned_body_is_kept_only_up_to_2_kib(sms_secret):
    raw = sms_body("x" * 9000)
    assert post_sms("wrong", raw).status == 401
    message = only_message()
    assert message.truncated and len(bytes(message.body)) == 2048 and message.body_bytes == len(raw)
    assert bytes(message.body) == raw[:2048]


def test_refused_messages_are_kept_bounded(sms_secret, monkeypatch):
    monkeypatch.setattr(intake, "MAX_EXPENDABLE_ROWS", 3)
    intake.set_rate_limit("sms", "expendable", capacity=100, per_second=1)
    signed = post_sms(sms_secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    assert signed.status == 200
    for n in range(6):
        assert post_sms("wrong", sms_body(f"junk {n}")).status == 401
    junk = [bytes(m.body) for m in InboxMessage.select().where(InboxMessage.expendable).order_by(InboxMessage.id)]
    assert [json.loads(b)["text"] for b in junk] == ["junk 3", "junk 4", "junk 5"]
    assert InboxMessage.select().where(~InboxMessage.expendable).count() == 1


def test_a_flood_of_bad_signatures_is_not_even_stored(sms_secret):
    intake.set_rate_limit("sms", "expendable", capacity=3, per_second=0.001)
    statuses = [post_sms("wrong", sms_body(f"junk {n}")).status for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert InboxMessage.select().count() == 3


JUNK_FROM_ANOTHER_WORKER = """
import json, sys, time
from shared import intake, setup
setup.connect(sys.argv[1], create=False)
intake.share_rate_limits(True)
intake.set_rate_limit("sms", "expendable", capacity=3, per_second=0.001)
sent = {"Content-Type": "application/json", "X-Timestamp": str(int(time.time())), "X-Signature": "sha256=00"}
body = json.dumps({"from": "VM-HDFCBK", "text": "junk"}).encode()
print(json.dumps([intake.receive("sms", sent, body, remote="10.0.0.8").status for _ in range(2)]))
"""


def test_the_junk_limits_hold_across_web_workers(sms_secret, db_url):
    """Two workers (this process and another one on the same database): together they store no
    more refused messages than the one limit allows."""
    intake.share_rate_limits(True)
    try:
        intake.set_rate_limit("sms", "expendable", capacity=3, per_second=0.001)
        here = [post_sms("wrong", sms_body(f"junk {n}")).status for n in range(2)]
        other = subprocess.run(
            [sys.executable, "-c", JUNK_FROM_ANOTHER_WORKER, db_url],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            cwd=ROOT,
        )
        assert here == [401, 401]
        assert json.loads(other.stdout) == [401, 429], other.stderr
        assert InboxMessage.select().count() == 3
    finally:
        intake.share_rate_limits(False)


def test_the_rate_limit_answers_429_with_retry_after_and_stores_nothing(sms_secret):
    intake.set_rate_limit("sms", capacity=2, per_second=0.01)
    bodies = [sms_body(CREDIT.format(amount="10.00", utr=f"52683046342{n}")) for n in range(3)]
    responses = [post_sms(sms_secret, body) for body in bodies]
    assert [r.status for r in responses] == [200, 200, 429]
    assert dict(responses[2].headers)["Retry-After"].isdigit()
    assert int(dict(responses[2].headers)["Retry-After"]) >= 1
    assert InboxMessage.select().count() == 2 and Payment.select().count() == 2


def test_a_replayed_request_is_a_duplicate_and_changes_nothing(sms_secret):
    hold_tickets("Asha", "9876543210", [1])
    body = sms_body(CREDIT.format(amount="10.00", utr="526830463424"))
    stamp = str(int(time.time()))
    first = post_sms(sms_secret, body, stamp=stamp)
    again = post_sms(sms_secret, body, stamp=stamp)
    assert first.body["status"] == "recorded"
    assert again.status == 200 and again.body["status"] == "duplicate"
    assert Payment.select().count() == 1
    assert outcomes() == ["recorded_matched", "duplicate"]
    copy = InboxMessage.get(InboxMessage.id == again.body["inbox_id"])
    assert copy.expendable and f"inbox #{first.body['inbox_id']}" in copy.reason


def test_the_same_utr_in_another_sms_is_a_duplicate(sms_secret):
    hold_tickets("Asha", "9876543210", [1])
    first = post_sms(sms_secret, sms_body(CREDIT.format(amount="10.00", utr="620647267681")))
    second = post_sms(sms_secret, sms_body(CREDIT_ICICI.format(amount="10.00", utr="620647267681"), sender="AD-ICICIB"))
    assert first.body["status"] == "recorded" and second.body == {"status": "duplicate", "inbox_id": 2}
    assert Payment.select().count() == 1 and outcomes() == ["recorded_matched", "duplicate"]
    assert "already recorded" in InboxMessage.get_by_id(2).reason


@pytest.mark.parametrize("age, word", [(6 * 60, "older than 5 minutes"), (-5 * 60, "in the future")])
def test_a_stale_or_future_timestamp_is_refused(sms_secret, age, word):
    body = sms_body(CREDIT.format(amount="10.00", utr="526830463424"))
    response = post_sms(sms_secret, body, stamp=str(int(time.time()) - age))
    assert response.status == 401 and word in response.body["error"]
    message = only_message()
    assert message.outcome == "rejected" and message.authenticated and message.expendable
    assert Payment.select().count() == 0


def test_signing_the_body_alone_uses_sent_at_for_the_window(sms_secret):
    hold_tickets("Asha", "9876543210", [1])
    now = utcnow()
    fresh = sms_body(CREDIT.format(amount="10.00", utr="526830463424"), sent_at=int(time.time() * 1000))
    headers = {"X-Timestamp": None, "X-Signature": intake.sms_signature(sms_secret, fresh)}
    assert post_sms(sms_secret, fresh, headers=headers, sign=False, now=now).body["confirmed"] is True
    no_time = sms_body(CREDIT.format(amount="10.00", utr="526830463425"))
    headers = {"X-Timestamp": None, "X-Signature": intake.sms_signature(sms_secret, no_time)}
    response = post_sms(sms_secret, no_time, headers=headers, sign=False)
    assert response.status == 401 and '"sent_at"' in response.body["error"]
    assert Payment.select().count() == 1


def test_an_old_signed_message_can_be_retried_by_the_organiser(sms_secret):
    hold = hold_tickets("Asha", "9876543210", [1])
    old = (utcnow() - timedelta(minutes=8)).isoformat() + "+00:00"
    body = sms_body(CREDIT.format(amount="10.00", utr="526830463424"), sent_at=old)
    headers = {"X-Timestamp": None, "X-Signature": intake.sms_signature(sms_secret, body)}
    response = post_sms(sms_secret, body, headers=headers, sign=False)
    assert response.status == 401 and "older than 5 minutes" in response.body["error"]
    item = intake.inbox_item(response.body["inbox_id"])
    assert item.outcome == "rejected" and item.retryable
    again = intake.retry_item(item.id)
    assert again.outcome == "recorded_matched" and again.order_reference == hold.reference
    with pytest.raises(Conflict, match="already handled"):
        intake.retry_item(item.id)


def test_unsigned_messages_cannot_be_retried(sms_secret):
    response = post_sms("wrong", sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    with pytest.raises(Conflict, match="valid signature"):
        intake.retry_item(InboxMessage.get().id)
    assert response.status == 401 and Payment.select().count() == 0


@pytest.mark.parametrize(
    "raw, status, reason",
    [
        (b'{"text": "Rs 10 credited', 400, "The body is not valid JSON."),
        (b'["VM-HDFCBK", "Rs 10 credited"]', 400, "The body must be a JSON object."),
        (b"[" * 5000 + b"]" * 5000, 400, "The body is not valid JSON."),
        (b'{"sender": "VM-HDFCBK"}', 400, 'The body needs "text": the SMS as a string.'),
        (b'{"text": "Rs 10 credited", "sender": 7}', 400, 'The body needs "sender"'),
        (b'{"text": "x", "sender": "VM-HDFCBK", "sent_at": "5 Jan 10:31"}', 400, '"sent_at" must be ISO 8601'),
        (b'{"text": "x", "sender": "VM-HDFCBK", "sent_at": "2025-01-05T10:31:00"}', 400, '"sent_at" must be ISO'),
        (
            json.dumps({"text": DEBIT, "sender": "VM-HDFCBK"}).encode(),
            200,
            "This is a debit message, not money received.",
        ),
        (json.dumps({"text": "Your OTP is 123456 for Rs 10.00", "sender": "VM-HDFCBK"}).encode(), 200, "OTP"),
        (
            json.dumps({"text": CREDIT.format(amount="10.00", utr="526830463424"), "sender": "VM-FRIEND"}).encode(),
            200,
            "'VM-FRIEND' is not a known bank sender id",
        ),
        (
            json.dumps({"text": CREDIT.format(amount="10.00", utr="526830463424"), "sender": "9876543210"}).encode(),
            200,
            "not a known bank sender id",
        ),
    ],
)
def test_signed_messages_that_are_not_a_readable_credit_record_nothing(sms_secret, raw, status, reason):
    hold_tickets("Asha", "9876543210", [1])
    response = post_sms(sms_secret, raw)
    assert response.status == status
    text = response.body.get("reason") or response.body.get("error")
    assert reason in text
    if status == 200:
        assert response.body["status"] == "rejected"
    message = only_message()
    assert message.outcome == "rejected" and message.authenticated and bytes(message.body) == raw
    assert Payment.select().count() == 0 and Order.get().state == "pending"
    assert post_sms(sms_secret, raw, stamp=json.loads(message.headers)["x-timestamp"]).body["status"] == "duplicate"


def test_an_oversized_body_is_refused_unread(sms_secret):
    body = sms_body("Rs 10 credited " + "x" * intake.MAX_BODY)
    response = post_sms(sms_secret, body)
    assert response.status == 413 and "16 KiB" in response.body["error"]
    assert InboxMessage.select().count() == 0


def test_a_late_payment_for_an_expired_booking_keeps_its_free_numbers(sms_secret):
    hold = hold_tickets("Asha", "9876543210", [3, 4], now=utcnow() - timedelta(minutes=15))
    response = post_sms(sms_secret, sms_body(CREDIT.format(amount="20.00", utr="526830463424")))
    assert response.body["confirmed"] is True
    message = only_message()
    assert message.outcome == "recorded_matched" and message.match_outcome == "late_matched"
    assert Order.get(Order.reference == hold.reference).state == "paid"


def test_a_late_payment_whose_numbers_were_taken_needs_attention(sms_secret):
    late = hold_tickets("Asha", "9876543210", [3], now=utcnow() - timedelta(minutes=15))
    expire_due()
    hold_tickets("Bala", "9876543211", [3])
    response = post_sms(sms_secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    assert response.body["confirmed"] is False
    message = only_message()
    assert (message.outcome, message.match_outcome) == ("recorded_unmatched", "late_taken")
    payment = Payment.get()
    assert payment.status == "attention" and payment.candidate.reference == late.reference
    assert reconcile(payment.draw_id).ok


def test_without_a_draw_the_message_is_kept_and_can_be_retried(db, tmp_path):
    secret = intake.enable_sms_hook()
    response = post_sms(secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    assert response.status == 503 and "no draw" in response.body["error"]
    assert dict(response.headers)["Retry-After"] == "60"
    item = intake.inbox_item(response.body["inbox_id"])
    assert item.outcome == "received" and item.retryable and "Not processed yet" in item.reason
    new_draw(tmp_path)
    hold = hold_tickets("Asha", "9876543210", [1])
    assert intake.retry_item(item.id).order_reference == hold.reference


def test_a_database_failure_leaves_the_message_received_for_a_retry(sms_secret, monkeypatch):
    from peewee import OperationalError

    hold = hold_tickets("Asha", "9876543210", [1])

    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(intake, "record_payment", broken)
    with pytest.raises(OperationalError):
        post_sms(sms_secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    item = intake.inbox_items(1)[0]
    assert item.outcome == "received" and "database was busy or failed" in item.reason and item.retryable
    assert Payment.select().count() == 0 and InboxKey.select().count() == 0
    monkeypatch.undo()
    assert intake.retry_item(item.id).order_reference == hold.reference


def test_a_later_copy_settles_an_unprocessed_one(db, tmp_path):
    secret = intake.enable_sms_hook()
    body = sms_body(CREDIT.format(amount="10.00", utr="526830463424"))
    assert post_sms(secret, body).status == 503
    new_draw(tmp_path)
    assert post_sms(secret, body, stamp=str(int(time.time()) + 1)).body["status"] == "recorded"
    assert outcomes() == ["duplicate", "recorded_unmatched"]
    assert "processed as inbox #2" in InboxMessage.get_by_id(1).reason


# ------------------------------------------------------------------ Razorpay


def test_payment_captured_with_a_reference_in_notes_confirms_that_booking(rzp_secret):
    hold_tickets("Asha", "9876543210", [1])
    second = hold_tickets("Bala", "9876543211", [2])
    event = razorpay_event("payment.captured", second.payable_paise, notes={"reference": second.reference.lower()})
    response = post_razorpay(rzp_secret, event)
    assert response.status == 200 and response.body["confirmed"] is True
    payment = Payment.get()
    assert (payment.source, payment.utr, payment.reference, payment.payer_vpa) == (
        "razorpay",
        "116812981837",
        second.reference,
        "gauri.kumar@okhdfcbank",
    )
    assert payment.order.reference == second.reference
    message = only_message()
    assert (message.event_type, message.event_id, message.external_id, message.sender) == (
        "payment.captured",
        "evt_Ny1qWmzN6JtbLw",
        "pay_HO2fEpc9JeOQU5",
        "razorpay",
    )


def test_qr_code_credited_matches_by_the_unique_amount_or_a_session_id(rzp_secret):
    first = hold_tickets("Asha", "9876543210", [1])
    second = hold_tickets("Bala", "9876543211", [2])
    by_amount = razorpay_event("qr_code.credited", first.payable_paise, qr_notes={"Branch": "Pune"})
    assert post_razorpay(rzp_secret, by_amount).body["confirmed"] is True
    by_session = razorpay_event(
        "qr_code.credited",
        second.payable_paise,
        rrn="116812981838",
        pay_id="pay_HO2fEpc9JeOQU6",
        qr_notes={"session_id": second.session_id},
    )
    assert post_razorpay(rzp_secret, by_session, event_id="evt_2").body["confirmed"] is True
    assert Payment.get(Payment.utr == "116812981838").reference == second.reference
    assert {o.state for o in Order.select()} == {"paid"}


def test_razorpay_retries_and_out_of_order_events_change_nothing(rzp_secret):
    hold = hold_tickets("Asha", "9876543210", [1])
    captured = razorpay_event("payment.captured", hold.payable_paise)
    credited = razorpay_event("qr_code.credited", hold.payable_paise)
    authorized = razorpay_event("payment.authorized", hold.payable_paise, status="authorized")
    answers = [
        post_razorpay(rzp_secret, captured, event_id="evt_A").body["status"],
        post_razorpay(rzp_secret, captured, event_id="evt_A").body["status"],  # Razorpay's retry
        post_razorpay(rzp_secret, credited, event_id="evt_B").body["status"],  # same payment, other event
        post_razorpay(rzp_secret, authorized, event_id="evt_C").body["status"],  # arrives late
        post_razorpay(rzp_secret, razorpay_event("order.paid", 1000), event_id="evt_D").body["status"],
    ]
    assert answers == ["recorded", "duplicate", "duplicate", "ignored", "ignored"]
    assert outcomes() == ["recorded_matched", "duplicate", "duplicate", "ignored", "ignored"]
    assert Payment.select().count() == 1 and Order.get().state == "paid"
    assert InboxKey.select().where(InboxKey.key == "payment:pay_HO2fEpc9JeOQU5").count() == 1
    assert reconcile(Payment.get().draw_id).ok


def test_a_razorpay_payment_already_recorded_by_utr_is_a_duplicate(rzp_secret):
    hold = hold_tickets("Asha", "9876543210", [1])
    from shared.payments import record_payment

    record_payment(hold.payable_paise, "116812981837", source="manual")
    response = post_razorpay(rzp_secret, razorpay_event("payment.captured", hold.payable_paise))
    assert response.body["status"] == "duplicate" and Payment.select().count() == 1


@pytest.mark.parametrize("case", ["wrong_secret", "missing", "reserialised", "tampered"])
def test_razorpay_signature_must_be_over_the_raw_body(rzp_secret, case):
    hold = hold_tickets("Asha", "9876543210", [1])
    raw = json.dumps(razorpay_event("payment.captured", hold.payable_paise), indent=2).encode()
    signature = {
        "wrong_secret": intake.razorpay_signature("other-secret-000", raw),
        "missing": None,
        "reserialised": intake.razorpay_signature(rzp_secret, json.dumps(json.loads(raw)).encode()),
        "tampered": intake.razorpay_signature(rzp_secret, raw),  # then the amount is changed in transit
    }[case]
    raw = raw.replace(b'"amount": 1000', b'"amount": 100') if case == "tampered" else raw
    headers = {"X-Razorpay-Event-Id": "evt_X"}
    if signature is not None:
        headers["X-Razorpay-Signature"] = signature
    response = intake.receive("razorpay", headers, raw)
    assert response.status == 401
    assert Payment.select().count() == 0 and only_message().outcome == "rejected"
    assert not only_message().authenticated


@pytest.mark.parametrize(
    "changes, reason",
    [
        (dict(currency="USD"), "not in INR"),
        (dict(status="failed"), "'failed', not captured"),
        (dict(created_at=int(time.time()) - 9 * 86400), "older than 8 days"),
    ],
)
def test_razorpay_payments_that_cannot_be_recorded_are_answered_2xx(rzp_secret, changes, reason):
    hold = hold_tickets("Asha", "9876543210", [1])
    response = post_razorpay(rzp_secret, razorpay_event("payment.captured", hold.payable_paise, **changes))
    assert response.status == 200 and response.body["status"] == "rejected" and reason in response.body["reason"]
    assert Payment.select().count() == 0 and only_message().outcome == "rejected"


def test_a_razorpay_payment_without_a_utr_is_recorded_and_flagged(rzp_secret):
    hold = hold_tickets("Asha", "9876543210", [1])
    response = post_razorpay(rzp_secret, razorpay_event("payment.captured", hold.payable_paise, rrn=None))
    assert response.body["confirmed"] is True
    payment = Payment.get()
    assert payment.utr_missing and payment.utr.startswith("NOUTR-") and payment.source == "razorpay"
    assert "No UTR came with it" in only_message().reason


def test_a_razorpay_body_that_is_not_json_is_a_400(rzp_secret):
    response = post_razorpay(rzp_secret, b"event=payment.captured")
    assert response.status == 400 and response.body["error"] == "The body is not valid JSON."


# ------------------------------------------------------------------ settings and the inbox for the console


def test_settings_and_setup_payload(draw):
    with pytest.raises(Conflict, match="turn it on first"):
        intake.sms_setup_payload()
    secret = intake.enable_sms_hook()
    blob = json.loads(intake.sms_setup_payload("https://mela.example.in/"))
    assert blob["url"] == "https://mela.example.in/hooks/sms" and blob["secret"] == secret
    assert json.loads(intake.sms_setup_payload())["url"] == "/hooks/sms"
    with pytest.raises(InvalidInput, match="not a web address"):
        intake.sms_setup_payload("mela.example.in")
    settings = intake.sms_hook_settings()
    assert settings.enabled and settings.secret == secret and settings.enabled_at is not None
    assert Setting.get(Setting.key == "hooks.sms.secret").value == secret
    with pytest.raises(InvalidInput, match="12 to 200 characters"):
        intake.enable_razorpay_hook("short")
    with pytest.raises(InvalidInput):
        intake.enable_razorpay_hook("has a space in it")
    assert not intake.razorpay_hook_settings().enabled
    generated = intake.enable_razorpay_hook()
    assert intake.razorpay_hook_settings().secret == generated and len(generated) >= 24


def test_inbox_items_newest_first_with_filters_and_counts(sms_secret):
    hold_tickets("Asha", "9876543210", [1])
    post_sms(sms_secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    post_sms(sms_secret, sms_body(DEBIT))
    post_sms("wrong", sms_body("junk"))
    items = intake.inbox_items(10)
    assert [i.outcome for i in items] == ["rejected", "rejected", "recorded_matched"]
    assert [i.authenticated for i in items] == [False, True, True]
    assert intake.inbox_items(1)[0].id == items[0].id
    assert [i.id for i in intake.inbox_items(10, before_id=items[0].id)] == [items[1].id, items[2].id]
    assert [i.id for i in intake.inbox_items(10, after_id=items[2].id)] == [items[0].id, items[1].id]
    assert [i.outcome for i in intake.inbox_items(10, outcome="recorded_matched")] == ["recorded_matched"]
    assert intake.inbox_items(10, source="razorpay") == []
    assert intake.inbox_counts() == {"rejected": 2, "recorded_matched": 1}
    data = items[2].as_dict()
    assert data["amount_paise"] == 1000 and data["utr"] == "526830463424" and "Credit Alert" in data["text"]


def test_the_migration_brings_the_inbox_tables(db):
    from shared.migrations import CURRENT_VERSION, current_version

    assert current_version(db) == CURRENT_VERSION >= 3
    assert db.table_exists("inbox_message") and db.table_exists("inbox_key")


# ------------------------------------------------------------------ the command line


def test_cli_hooks_and_inbox(cli):
    run = cli
    assert run("hooks") == (0, "sms: off\nrazorpay: off\n", "")
    code, out, _ = run("hooks", "sms", "--enable", "--base-url", "https://mela.example.in")
    secret = intake.sms_hook_settings().secret
    assert code == 0 and f"Secret: {secret}" in out and "URL:    https://mela.example.in/hooks/sms" in out
    assert "█" in out and json.loads(out.split("Setup JSON: ")[1].splitlines()[0])["secret"] == secret
    code, out, err = run("hooks", "razorpay", "--secret", "short")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "12 to 200" in err
    assert run("hooks", "razorpay", "--secret", "whsec-0123456789")[0] == 0
    assert intake.razorpay_hook_settings().secret == "whsec-0123456789"
    assert run("inbox") == (0, "The inbox is empty.\n", "")

    run(
        "new-draw",
        "--name",
        "Mela",
        "--tickets",
        "20",
        "--price",
        "10",
        "--upi-id",
        "mela@okaxis",
        "--payee",
        "Mela Samiti",
    )
    hold = hold_tickets("Asha", "9876543210", [1])
    post_sms(secret, sms_body(CREDIT.format(amount="10.00", utr="526830463424")))
    post_sms(secret, sms_body(DEBIT))
    code, out, _ = run("inbox", "--json")
    listed = json.loads(out)
    assert code == 0 and [i["outcome"] for i in listed] == ["rejected", "recorded_matched"]
    assert listed[1]["order_reference"] == hold.reference and listed[1]["utr"] == "526830463424"
    code, out, _ = run("inbox", "--limit", "1")
    assert code == 0 and "REJECTED" in out and "debit message" in out and "recorded" not in out
    code, out, _ = run("inbox", "--show", str(listed[1]["id"]))
    assert f"recorded, matched → {hold.reference}" in out and "Credit Alert!" in out and "signed: yes" in out
    code, _, err = run("inbox", "--retry", str(listed[1]["id"]))
    assert code == 2 and "already handled" in err
    code, out, _ = run("hooks")
    assert "sms: on since" in out and "1 REJECTED" in out and "1 recorded, matched" in out
    assert run("hooks", "sms", "--disable")[0] == 0 and not intake.sms_hook_settings().enabled
