"""The poll's memory of booking rows on PostgreSQL (shared.status_cache): a change made anywhere
else shows in the next poll once PostgreSQL has announced it; a listener whose connection is killed
never lets a stale row be served; what a row reads as is worked out at every poll; the bounds hold.
SQLite is never cached. Every wait is a bounded loop on what the cache has handled, never a sleep
that hopes."""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest

from buyerweb.poll import poll_body
from shared import db as shared_db
from shared import hold_sql, setup, status_cache
from shared.booking import cancel_order, hold_tickets, order_status
from shared.db import utcnow, write_tx
from shared.lifecycle import cancel_pending_order
from tests.helpers.db import PG_URL, make_url, new_draw

ROOT = Path(__file__).resolve().parent.parent
FAST = {"heartbeat": 0.5, "answer_timeout": 10.0, "retry": 0.05}  # a busy machine never reads as silence


def wait_until(condition, what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.005)


@pytest.fixture
def pg(tmp_path):
    """(url, database) of a fresh PostgreSQL schema with a draw; the cache off again afterwards."""
    url, cleanup = make_url("postgres", tmp_path)
    database = setup.connect(url)
    new_draw(tmp_path)
    yield url, database
    status_cache.disable()
    shared_db.close()
    cleanup()


def other_connection(url: str):
    """Another client of the same schema (psql, the console of another machine)."""
    schema = url.split("?schema=")[1]
    conn = psycopg2.connect(PG_URL, options=f"-c search_path={schema}")
    conn.autocommit = True
    return conn


def started(database, **limits) -> status_cache.StatusCache:
    status_cache.enable(database, **{**FAST, **limits})
    cache = status_cache.current()
    assert cache is not None
    wait_until(lambda: cache.trusted, "LISTEN in place")
    return cache


def caught_up(cache) -> None:
    """Wait until every change committed so far has been handled (a heartbeat sent after them has
    been answered: PostgreSQL hands a listener the announcements ahead of a query's answer)."""
    now = time.monotonic()
    wait_until(lambda: cache.caught_up_at > now, "a heartbeat answered")


def poll_twice(session_id: str, cache) -> str:
    """Poll until the row is in memory and a second poll is answered from it; its state."""
    first = order_status(session_id, cached=True)
    hits = cache.hits
    second = order_status(session_id, cached=True)
    assert cache.hits == hits + 1 and session_id in cache
    assert second == first
    return second.state


def test_a_change_made_by_another_connection_shows_in_the_next_poll_once_announced(pg):
    url, database = pg
    cache = started(database)
    hold = hold_tickets("Asha", "9876543210", [1, 2])
    caught_up(cache)  # its own announcement handled
    assert poll_twice(hold.session_id, cache) == "pending"
    with other_connection(url) as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE booking SET state = 'cancelled', ended_at = %s WHERE session_id = %s", (utcnow(), hold.session_id)
        )
    wait_until(lambda: hold.session_id not in cache, "the change announced and its row dropped")
    assert order_status(hold.session_id, cached=True).state == "cancelled"
    assert poll_twice(hold.session_id, cache) == "cancelled"  # and kept again, as it is now


CONFIRM = """
import sys
from shared import setup
from shared.payments import record_payment
setup.connect(sys.argv[1], create=False)
result = record_payment(int(sys.argv[2]), sys.argv[3])
print(result.outcome)
"""


def test_a_payment_confirmed_by_another_process_shows_as_paid_once_announced(pg):
    url, database = pg
    cache = started(database)
    hold = hold_tickets("Asha", "9876543210", [3])
    other = hold_tickets("Ravi", "9876543211", [4])
    caught_up(cache)
    assert poll_twice(hold.session_id, cache) == "pending"
    assert poll_twice(other.session_id, cache) == "pending"
    done = subprocess.run(
        [sys.executable, "-c", CONFIRM, url, str(hold.payable_paise), "700000000001"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wait_until(lambda: hold.session_id not in cache, "the payment's change announced")
    caught_up(cache)
    status = order_status(hold.session_id, cached=True)
    assert status.state == "paid" and status.paid_at is not None
    body = json.loads(poll_body(status, hold.session_id, utcnow()))
    assert body["status"] == "paid" and body["receipt_url"] == f"/done/{hold.session_id}"
    # exactly the changed booking was dropped: the other one is still answered from memory
    hits = cache.hits
    assert order_status(other.session_id, cached=True).state == "pending"
    assert cache.hits == hits + 1


def test_after_the_listener_is_killed_no_poll_serves_a_stale_row(pg):
    url, database = pg
    cache = started(database, retry=3600)  # it stays down: the polls below run without it
    hold = hold_tickets("Asha", "9876543210", [5])
    caught_up(cache)
    assert poll_twice(hold.session_id, cache) == "pending"
    with other_connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (cache.backend_pid,))
        wait_until(lambda: not cache.trusted, "the killed connection noticed")
        assert len(cache) == 0
        cur.execute("UPDATE booking SET state = 'cancelled' WHERE session_id = %s", (hold.session_id,))
    hits = cache.hits
    assert order_status(hold.session_id, cached=True).state == "cancelled"
    assert order_status(hold.session_id, cached=True).state == "cancelled"
    assert cache.hits == hits and len(cache) == 0  # read from the database, nothing kept meanwhile


def test_a_change_made_while_the_listener_was_away_shows_once_it_is_back(pg):
    url, database = pg
    gate = threading.Event()
    gate.set()
    params = dict(database.connect_params)

    def connect():
        assert gate.wait(30)
        return psycopg2.connect(database=database.database, async_=1, **params)

    cache = status_cache.StatusCache(connect, **FAST)
    try:
        wait_until(lambda: cache.trusted, "LISTEN in place")
        hold = hold_tickets("Asha", "9876543210", [6])
        caught_up(cache)
        cache.status_row(hold.session_id)
        assert hold.session_id in cache
        gate.clear()  # the listener may not reconnect until the change below is made
        with other_connection(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (cache.backend_pid,))
            wait_until(lambda: not cache.trusted, "the killed connection noticed")
            cur.execute("UPDATE booking SET state = 'cancelled' WHERE session_id = %s", (hold.session_id,))
        assert cache.status_row(hold.session_id)[2] == "cancelled"
        gate.set()
        wait_until(lambda: cache.trusted and cache.connections == 2, "LISTEN back on a new connection")
        hits = cache.hits
        assert cache.status_row(hold.session_id)[2] == "cancelled"
        assert cache.status_row(hold.session_id)[2] == "cancelled"
        assert cache.hits == hits + 1
    finally:
        gate.set()
        cache.stop()


def test_a_row_read_before_a_change_is_not_kept_after_the_change_was_announced(pg, monkeypatch):
    """The read happens, the booking changes and is announced before the poll stores what it read:
    the stale row must not be kept."""
    url, database = pg
    cache = started(database)
    hold = hold_tickets("Asha", "9876543210", [7])
    caught_up(cache)
    read = hold_sql.status_row_and_id

    def read_then_change(session_id):
        row = read(session_id)  # pending
        handled = cache._generation
        with other_connection(url) as conn, conn.cursor() as cur:
            cur.execute("UPDATE booking SET state = 'cancelled' WHERE session_id = %s", (session_id,))
        wait_until(lambda: cache._generation > handled, "the change announced")
        return row

    monkeypatch.setattr(hold_sql, "status_row_and_id", read_then_change)
    assert order_status(hold.session_id, cached=True).state == "pending"  # what it read, as it read it
    assert hold.session_id not in cache
    monkeypatch.setattr(hold_sql, "status_row_and_id", read)
    assert order_status(hold.session_id, cached=True).state == "cancelled"


def test_what_a_kept_row_reads_as_is_worked_out_at_every_poll(pg):
    _url, database = pg
    cache = started(database)
    hold = hold_tickets("Asha", "9876543210", [8, 9])
    caught_up(cache)
    now = utcnow()
    first = order_status(hold.session_id, now, cached=True)
    assert first.state == "pending"
    later = hold.expires_at - timedelta(seconds=100)
    hits = cache.hits
    status = order_status(hold.session_id, later, cached=True)
    assert cache.hits == hits + 1  # from memory
    assert status.state == "pending"
    assert json.loads(poll_body(status, hold.session_id, later))["seconds_left"] == 100
    past = hold.expires_at + timedelta(seconds=1)
    status = order_status(hold.session_id, past, cached=True)
    assert cache.hits == hits + 2
    assert status.state == "expired"  # pending past its time reads as expired, swept or not
    assert json.loads(poll_body(status, hold.session_id, past))["seconds_left"] == 0


def test_no_more_rows_are_kept_than_the_bound_the_oldest_going_first(pg):
    _url, database = pg
    cache = started(database, max_entries=5)
    holds = [hold_tickets(f"Buyer {i}", f"98765432{i:02d}", [20 + i]) for i in range(8)]
    caught_up(cache)
    for hold in holds:
        assert order_status(hold.session_id, cached=True).reference == hold.reference
    assert len(cache) == 5
    assert [h.session_id in cache for h in holds] == [False] * 3 + [True] * 5
    for hold in holds:  # every answer still right, from memory or not
        assert order_status(hold.session_id, cached=True).tickets == hold.tickets
    assert len(cache) == 5


def test_rows_older_than_the_age_limit_are_read_again(pg):
    _url, database = pg
    cache = started(database, max_age=0.0)
    hold = hold_tickets("Asha", "9876543210", [30])
    order_status(hold.session_id, cached=True)
    order_status(hold.session_id, cached=True)
    assert cache.hits == 0 and cache.misses == 2


def test_a_change_made_by_this_process_is_dropped_when_its_transaction_ends(pg, monkeypatch):
    """Without waiting for its own announcement (which this test makes the listener ignore)."""
    _url, database = pg
    cache = started(database)
    monkeypatch.setattr(status_cache.StatusCache, "_handle", lambda self, conn: conn.notifies.clear())
    hold = hold_tickets("Asha", "9876543210", [40])
    other = hold_tickets("Ravi", "9876543211", [41])
    assert poll_twice(hold.session_id, cache) == "pending"
    assert poll_twice(other.session_id, cache) == "pending"
    with write_tx():
        assert cancel_pending_order(hold.order_id, order_status(hold.session_id).draw_id, utcnow(), "test")
        assert hold.session_id in cache  # not yet committed: others still see it pending
    assert hold.session_id not in cache
    assert order_status(hold.session_id, cached=True).state == "cancelled"
    cancel_order(other.reference)
    assert other.session_id not in cache
    assert order_status(other.session_id, cached=True).state == "cancelled"


def test_sqlite_is_never_cached(sqlite_db, tmp_path):
    new_draw(tmp_path)
    status_cache.enable(sqlite_db)
    assert status_cache.current() is None
    hold = hold_tickets("Asha", "9876543210", [1])
    assert order_status(hold.session_id, cached=True).state == "pending"
    cancel_order(hold.session_id)
    assert order_status(hold.session_id, cached=True).state == "cancelled"
