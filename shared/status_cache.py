"""The status poll's booking rows, kept in each web process's memory on PostgreSQL and kept right by
PostgreSQL itself: every change to a booking row is announced (LISTEN/NOTIFY, schema step 12) with
the booking's session id, whoever made it (a web worker, the console, another machine, psql), and
the process drops exactly that booking from its memory. SQLite is never cached (its read is
in-process and cheap).

What is kept is the raw row (state, expiry, tickets, reference, amount, paid time), never an
answer: "pending past its time reads as expired" and the seconds left are worked out from it at
every poll (`shared.booking.order_status`), exactly as for a row just read.

The rules that keep it right:

- One listener per process: its own connection (never one of the request threads'), `LISTEN`, and a
  daemon thread waiting on it with select() and a timeout. Each announcement drops its booking.
- The cache is trusted only while that connection is known to be alive: the thread sends a
  heartbeat query every `heartbeat` seconds and trusts what it has heard only up to `heartbeat +
  answer_timeout` seconds after the last heartbeat that was answered (PostgreSQL hands a listener
  every announcement committed before a query ahead of that query's answer). A connection that
  errs, closes or goes quiet empties the whole cache, and polls read the database (nothing is
  stored) until LISTEN is back on a new connection.
- A poll notes the cache's generation before it reads the database and stores the row only if no
  announcement, clearing or reconnection has happened since: a row read just before a change
  cannot be stored after the change's announcement has been handled.
- A change made by this process is dropped as soon as its write transaction ends
  (`changed_order`), without waiting for its own announcement.
- Rows also expire after `max_age` seconds, as a safety net, and at most `max_entries` are kept
  (the oldest stored goes first).

`enable(db)` (the buyer web's `create_app`) turns it on for the process; it starts on first use, in
the process that serves (after a fork, the child starts its own). `disable()` stops it.
"""

import logging
import os
import select
import socket
import threading
import time
from functools import partial

from . import hold_sql
from .db import after_write
from .models import BOOKING_CHANGES_CHANNEL_SQL

MAX_AGE_SECONDS = 60.0  # a buyer polls every 3 s: long enough for many hits from each worker
MAX_ENTRIES = 20_000  # a few MiB a process
HEARTBEAT_SECONDS = 2.0
ANSWER_SECONDS = 3.0  # a heartbeat (or connecting, or LISTEN) not answered by then: the connection is dead
RETRY_SECONDS = 1.0  # pause before connecting again after a failure

log = logging.getLogger("luckydraw.status_cache")


class ListenerGone(Exception):
    """The listening connection did not answer in time, or closed."""


class StatusCache:
    """The rows of one process, and the thread that listens for their changes.

    `connect()` returns a new psycopg2 connection opened with `async_=1` (not yet waited on)."""

    def __init__(
        self,
        connect,
        *,
        max_entries: int = MAX_ENTRIES,
        max_age: float = MAX_AGE_SECONDS,
        heartbeat: float = HEARTBEAT_SECONDS,
        answer_timeout: float = ANSWER_SECONDS,
        retry: float = RETRY_SECONDS,
    ):
        self._connect = connect
        self.max_entries = max_entries
        self.max_age = max_age
        self.heartbeat = heartbeat
        self.answer_timeout = answer_timeout
        self.retry = retry
        self.pid = os.getpid()
        self._rows: dict[str, tuple[tuple, float, int]] = {}  # session id -> (row, read at, order id)
        self._orders: dict[int, str] = {}  # order id -> session id, for this process's own writes
        self._lock = threading.Lock()
        self._generation = 0
        self._live = False  # LISTEN is in place on a connection not known to be broken
        self._trusted_until = 0.0  # monotonic time up to which the last answered heartbeat vouches
        self.hits = self.misses = 0
        self.connections = 0  # how many times LISTEN was put in place
        self.caught_up_at = 0.0  # monotonic: every change committed before it has been handled
        self.backend_pid: int | None = None  # the listening connection's server process
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="status-cache-listener", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ polls

    @property
    def trusted(self) -> bool:
        return self._live and time.monotonic() < self._trusted_until

    def status_row(self, session_id: str) -> tuple | None:
        """`hold_sql.status_row(session_id)`, from memory when the row is there and may be trusted."""
        now = time.monotonic()
        token = None
        if self._live and now < self._trusted_until:
            entry = self._rows.get(session_id)
            if entry is not None and now - entry[1] < self.max_age:
                self.hits += 1
                return entry[0]
            token = self._generation  # before the read: any change handled after it forbids storing
        self.misses += 1
        found = hold_sql.status_row_and_id(session_id)
        if found is None:
            return None
        order_id, row = found[0], found[1:]
        if token is not None:
            self._store(session_id, row, now, order_id, token)
        return row

    def _store(self, session_id: str, row: tuple, read_at: float, order_id: int, token: int) -> None:
        with self._lock:
            if token != self._generation:
                return
            rows = self._rows
            old = rows.pop(session_id, None)
            if old is not None:
                self._orders.pop(old[2], None)
            while len(rows) >= self.max_entries:
                oldest = next(iter(rows))
                self._orders.pop(rows.pop(oldest)[2], None)
            rows[session_id] = (row, read_at, order_id)
            self._orders[order_id] = session_id

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._rows

    # ------------------------------------------------------------------ forgetting

    def forget(self, session_ids) -> None:
        """Drop these bookings (and forbid storing any row read before now)."""
        with self._lock:
            self._generation += 1
            for session_id in session_ids:
                entry = self._rows.pop(session_id, None)
                if entry is not None:
                    self._orders.pop(entry[2], None)

    def forget_orders(self, order_ids) -> None:
        with self._lock:
            session_ids = [self._orders[i] for i in order_ids if i in self._orders]
        self.forget(session_ids)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._rows.clear()
            self._orders.clear()

    # ------------------------------------------------------------------ the listener

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        self._thread.join(wait)
        self._wake_r.close()
        self._wake_w.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._open()
                self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - any failure: distrust everything, connect again
                if not self._stop.is_set():
                    log.warning("booking changes not heard (%s); polls read the database until it is back", exc)
            finally:
                self._distrust()
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001 - a broken connection may refuse to close cleanly
                        pass
            self._stop.wait(self.retry)

    def _distrust(self) -> None:
        self._live = False
        self._trusted_until = 0.0
        self.clear()

    def _wait(self, conn, seconds: float) -> None:
        """Drive the asynchronous connection until its current step is done, or fail."""
        import psycopg2.extensions as ext

        deadline = time.monotonic() + seconds
        while True:
            state = conn.poll()
            if state == ext.POLL_OK:
                return
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.is_set():
                raise ListenerGone("no answer in time")
            if state == ext.POLL_READ:
                ready, _, _ = select.select([conn, self._wake_r], [], [], left)
            elif state == ext.POLL_WRITE:
                ready, _, _ = select.select([self._wake_r], [conn], [], left)
            else:
                raise ListenerGone(f"unexpected connection state {state}")
            if self._wake_r in ready:
                raise ListenerGone("stopping")

    def _open(self):
        conn = self._connect()
        self._wait(conn, self.answer_timeout)
        self.backend_pid = conn.get_backend_pid()
        cur = conn.cursor()
        cur.execute(f"SELECT {BOOKING_CHANGES_CHANNEL_SQL}")
        self._wait(conn, self.answer_timeout)
        channel = cur.fetchone()[0]
        sent = time.monotonic()
        cur.execute(f'LISTEN "{channel}"')
        self._wait(conn, self.answer_timeout)
        # From here every change committed is announced to us: start from nothing, then trust.
        self.clear()
        self._handle(conn)
        self.connections += 1
        self.caught_up_at = sent
        self._trusted_until = sent + self.heartbeat + self.answer_timeout
        self._live = True
        return conn

    def _handle(self, conn) -> None:
        """Drop the bookings announced so far."""
        if not conn.notifies:
            return
        payloads = [n.payload for n in conn.notifies]
        del conn.notifies[:]
        if "" in payloads:  # the table was truncated
            self.clear()
        else:
            self.forget(payloads)

    def _listen(self, conn) -> None:
        cur = conn.cursor()
        next_beat = time.monotonic() + self.heartbeat
        while not self._stop.is_set():
            left = next_beat - time.monotonic()
            if left > 0:
                ready, _, _ = select.select([conn, self._wake_r], [], [], left)
                if self._wake_r in ready:
                    return
                if ready:
                    self._wait(conn, self.answer_timeout)  # reads what arrived (raises if it closed)
                    self._handle(conn)
                continue
            sent = time.monotonic()
            cur.execute("SELECT 1")
            self._wait(conn, self.answer_timeout)
            cur.fetchall()
            self._handle(conn)  # every change committed before `sent` is in hand now
            self.caught_up_at = sent
            self._trusted_until = sent + self.heartbeat + self.answer_timeout
            next_beat = sent + self.heartbeat


# ---------------------------------------------------------------------- the process's cache

_settings: dict | None = None  # set by enable(): how to connect, and the cache's limits
_cache: StatusCache | None = None
_start_lock = threading.Lock()
_inherited: list = []  # a parent's cache after a fork: never used, never closed (its socket is the parent's)


def enable(db, **limits) -> None:
    """Keep polled rows in memory in this process (and its children), if `db` is PostgreSQL.
    `limits`: StatusCache's keyword arguments (max_entries, max_age, heartbeat, ...)."""
    from peewee import PostgresqlDatabase

    global _settings
    if not isinstance(db, PostgresqlDatabase):
        return
    disable()
    _settings = {"database": db.database, "params": dict(db.connect_params), "limits": limits}


def disable() -> None:
    """Stop keeping rows (the listener stops, the rows go)."""
    global _settings, _cache
    with _start_lock:
        cache, _cache, _settings = _cache, None, None
    if cache is not None and cache.pid == os.getpid():
        cache.stop()


def current() -> StatusCache | None:
    """This process's cache (started on first use), or None when it is off."""
    global _cache
    cache = _cache
    if cache is not None and cache.pid == os.getpid():
        return cache
    if _settings is None:
        return None
    with _start_lock:
        if _cache is not None and _cache.pid != os.getpid():
            _inherited.append(_cache)
            _cache = None
        if _cache is None and _settings is not None:
            import psycopg2

            settings = _settings
            connect = partial(psycopg2.connect, database=settings["database"], async_=1, **settings["params"])
            _cache = StatusCache(connect, **settings["limits"])
        return _cache


def status_row(session_id: str) -> tuple | None:
    """The poll's row of a booking (as `hold_sql.status_row`), through the cache when it is on."""
    cache = current()
    if cache is None:
        return hold_sql.status_row(session_id)
    return cache.status_row(session_id)


def changed_order(order_id: int) -> None:
    """This process changed booking `order_id`: drop it once the write transaction has ended."""
    cache = _cache
    if cache is not None and cache.pid == os.getpid():
        after_write(partial(cache.forget_orders, [order_id]))
