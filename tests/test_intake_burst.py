"""A burst of 500 forwarded SMS posted in parallel to a real HTTP server on 127.0.0.1 (a threaded
WSGI server in this process serving a Bottle app with the hooks), while buyers hold tickets at the
same time. Afterwards no payment is missing or doubled, every message is in the inbox with the
outcome it deserves, and the money reconciles. On both databases."""

import http.client
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from buyerweb.app import create_app
from shared import db as shared_db
from shared import intake
from shared.booking import hold_tickets
from shared.models import Order, Payment, Ticket
from shared.models_intake import InboxMessage
from shared.stats import reconcile
from tests.helpers.db import new_draw
from tests.helpers.wsgi_thread import ThreadServer

pytestmark = pytest.mark.slow

HDFC = "Credit Alert!\nRs.{amount} credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA buyer{n}@okaxis (UPI {utr})"
ICICI = "Dear Customer, Acct XX910 is credited with Rs {amount} on 25-Jul-26 from PAYER NAME. UPI:{utr}-ICICI Bank."
DEBIT = "Rs {amount} debited from A/c XX1234 on 01-01-25. UPI Ref {utr}."


@pytest.fixture
def draw(db, tmp_path):
    return new_draw(tmp_path, ticket_count=1000)


@pytest.fixture
def server(db_url, draw):
    """The buyer web (with its hooks) behind a threaded HTTP server on a free port of 127.0.0.1; yields the port."""
    app = create_app(db_url, migrate=False, hold_limit_ip=None, hold_limit_mobile=None, lookup_limit_ip=None)
    with ThreadServer(app) as served:
        yield served.port


def rupees(paise: int) -> str:
    return f"{paise // 100}.{paise % 100:02d}"


def post(port: int, secret: str, text: str, sender: str) -> dict:
    """Send one SMS the way a forwarder app would, retrying while told to slow down (429)."""
    body = json.dumps({"text": text, "sender": sender}).encode()
    for _ in range(200):
        stamp = str(int(time.time()))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "POST",
            "/hooks/sms",
            body,
            {
                "Content-Type": "application/json",
                "X-Timestamp": stamp,
                "X-Signature": intake.sms_signature(secret, body, stamp),
            },
        )
        response = connection.getresponse()
        status, data = response.status, json.loads(response.read())
        connection.close()
        if status != 429:
            return {"http": status, **data}
        time.sleep(0.05)
    raise AssertionError("the server kept answering 429")


def test_500_parallel_sms_with_buyers_booking_at_the_same_time(server, draw):
    intake.set_rate_limit("sms", capacity=100, per_second=400)  # some senders are told to retry
    secret = intake.enable_sms_hook()
    # 160 bookings waiting for their money: 80 of one ticket (₹10.00–₹10.79), 80 of two (₹20.00–₹20.79).
    waiting = [hold_tickets(f"Buyer {n}", f"9{n:09d}", [n + 1]) for n in range(80)]
    waiting += [hold_tickets(f"Pair {n}", f"8{n:09d}", [101 + 2 * n, 102 + 2 * n]) for n in range(80)]
    messages = []  # (text, sender, utr, expected outcome)
    for n, hold in enumerate(waiting):
        messages.append(
            (
                HDFC.format(amount=rupees(hold.payable_paise), n=n, utr=f"5{n:011d}"),
                "VM-HDFCBK",
                f"5{n:011d}",
                "recorded_matched",
            )
        )
    for n in range(290):  # money that fits no booking (₹1000 and up)
        messages.append(
            (
                HDFC.format(amount=rupees(100000 + n), n=n, utr=f"6{n:011d}"),
                "JD-HDFCBK-S",
                f"6{n:011d}",
                "recorded_unmatched",
            )
        )
    for n in range(15):  # the same payments again, as another bank's SMS text: duplicates
        for utr, amount in ((f"5{n:011d}", waiting[n].payable_paise), (f"6{n:011d}", 100000 + n)):
            messages.append((ICICI.format(amount=rupees(amount), utr=utr), "AD-ICICIB", utr, "duplicate"))
    for n in range(10):  # debits, and a friend's SMS that looks like a credit
        messages.append((DEBIT.format(amount="10.00", utr=f"7{n:011d}"), "VM-HDFCBK", None, "rejected"))
        messages.append((HDFC.format(amount="10.00", n=n, utr=f"8{n:011d}"), "VM-FRIEND", None, "rejected"))
    assert len(messages) == 500

    booked, errors = [], []

    def buyers(first_ticket: int) -> None:  # new bookings of three tickets (₹30.xx) meanwhile
        try:
            for k in range(20):
                start = first_ticket + 3 * k
                booked.append(hold_tickets("Late Buyer", f"7{first_ticket:04d}{k:05d}", [start, start + 1, start + 2]))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            shared_db.close()

    threads = [threading.Thread(target=buyers, args=(400 + 60 * t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda m: post(server, secret, m[0], m[1]), messages))
    for thread in threads:
        thread.join()

    assert errors == [] and len(booked) == 80
    assert {a["http"] for a in answers} == {200}
    assert Counter(a["status"] for a in answers) == Counter(
        {"recorded_matched": "recorded", "recorded_unmatched": "recorded"}.get(m[3], m[3]) for m in messages
    )
    assert Counter(m.outcome for m in InboxMessage.select()) == Counter(m[3] for m in messages)
    assert InboxMessage.select().count() == 500
    assert len({m.body_sha256 for m in InboxMessage.select()}) == 500  # each message once, none lost

    sent_utrs = {m[2] for m in messages if m[2]}
    recorded = Counter(p.utr for p in Payment.select(Payment.utr))
    assert set(recorded) == sent_utrs and set(recorded.values()) == {1} and len(sent_utrs) == 450
    assert Payment.select().where(Payment.source == "sms").count() == 450

    assert {o.state for o in Order.select().where(Order.reference.in_([h.reference for h in waiting]))} == {"paid"}
    assert {o.state for o in Order.select().where(Order.reference.in_([h.reference for h in booked]))} == {"pending"}
    assert Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state == "sold")).count() == 240
    assert Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state == "held")).count() == 240
    result = reconcile(draw.id)
    assert result.ok, result.problems
    assert result.paid_orders == 160 and result.unmatched_paise == sum(100000 + n for n in range(290))
