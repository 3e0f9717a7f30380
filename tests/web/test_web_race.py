"""A race over HTTP against the real server (`python -m buyerweb`, two worker processes), on SQLite
and PostgreSQL: many buyers in threads, released together, asking for overlapping numbers.
Afterwards no number is in two live orders, every booking holds exactly its numbers, and every
409 named only numbers that another buyer really had."""

import http.client
import json
import random
import threading

import pytest

from shared import db as shared_db
from shared import setup
from shared.models import Order, Ticket
from tests.helpers.db import new_draw
from tests.helpers.web import ProcessServer

THREADS = 24
ATTEMPTS = 8
NUMBERS = 40


def buyer(port, barrier, worker, results):
    rng = random.Random(worker)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    barrier.wait()
    for attempt in range(ATTEMPTS):
        tickets = rng.sample(range(1, NUMBERS + 1), rng.randint(1, 3))
        body = json.dumps({"name": f"Racer {worker}", "mobile": f"9{worker:03d}{attempt:06d}", "tickets": tickets})
        conn.request("POST", "/api/orders", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        results.append((response.status, tickets, json.loads(response.read())))
    conn.close()


@pytest.mark.slow
def test_http_race_never_double_sells(db_url, tmp_path):
    setup.connect(db_url)
    new_draw(tmp_path, ticket_count=NUMBERS)
    shared_db.close()
    server = ProcessServer(db_url, workers=2)
    results = []
    try:
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=buyer, args=(server.port, barrier, w, results)) for w in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        server.stop()
    assert len(results) == THREADS * ATTEMPTS
    statuses = {status for status, _, _ in results}
    assert statuses <= {201, 409}, statuses

    setup.connect(db_url, create=False)
    live = list(Order.select().where(Order.state.in_(["pending", "paid"])))
    owner = {}
    for order in live:
        for n in order.numbers:
            assert n not in owner, f"ticket {n} is in two live orders"
            owner[n] = order.session_id
    held = {t.number: t.order_id for t in Ticket.select().where(Ticket.state != "free")}
    by_id = {o.id: o.session_id for o in live}
    assert {n: by_id.get(oid) for n, oid in held.items()} == owner, "ticket rows agree with their orders"

    created = [data for status, _, data in results if status == 201]
    assert created, "somebody got tickets"
    for data in created:
        for n in data["tickets"]:
            assert owner[n] == data["session_id"]
    for status, asked, data in results:
        if status == 409 and "taken" in data:
            assert data["taken"] and set(data["taken"]) <= set(asked)
            for n in data["taken"]:
                assert n in owner, f"409 named {n}, which nobody holds"
