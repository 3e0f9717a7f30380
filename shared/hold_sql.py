"""The hot paths in plain SQL: the hold, and the status read every buyer's page polls.

A hold is the busiest write there is (a sale opening: thousands of buyers in a minute), and the
status poll the busiest read (every waiting buyer, every 3 s); building their ORM queries cost
more than running them. These statements do exactly what the
ORM version in `booking.py` did, on SQLite and PostgreSQL alike, inside the caller's write
transaction. Placeholders are written `?` and turned into the database's own style once.
"""

import json
from datetime import datetime
from functools import lru_cache

from peewee import __exception_wrapper__ as _driver_errors  # the driver's errors as peewee's

from .db import database

DRAW_COLUMNS = (
    "id",
    "state",
    "ticket_count",
    "price_paise",
    "payee_vpa",
    "payee_name",
    "hold_minutes",
    "max_per_order",
    "max_pending_per_mobile",
    "late_window_minutes",
    "payee_kind",
    "merchant_code",
    "max_held_per_client",
    "max_bookings_per_client_window",
)


@lru_cache(maxsize=256)
def _sql(template: str, param: str, count: int = 0) -> str:
    """`template` with `?` in the database's style and `(@@)` expanded to `count` placeholders."""
    return template.replace("(@@)", "(" + ", ".join("?" * count) + ")").replace("?", param)


def run_sql(template: str, params=(), count: int = 0):
    db = database.obj
    return db.execute_sql(_sql(template, db.param, count), params)


def current_draw_row() -> dict | None:
    """The current draw's settings a hold needs, as a dict (None when there is no draw)."""
    row = run_sql(
        "SELECT " + ", ".join(DRAW_COLUMNS) + " FROM draw WHERE state <> 'archived' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return dict(zip(DRAW_COLUMNS, row)) if row else None


def taken_numbers(draw_id: int, numbers, now: datetime) -> tuple[list[int], bool]:
    """(numbers held or sold by a live order, whether some holds among them have lapsed)."""
    rows = run_sql(
        "SELECT number, CASE WHEN state = 'held' AND held_until IS NOT NULL AND held_until <= ? "
        "THEN 1 ELSE 0 END FROM ticket WHERE draw_id = ? AND number IN (@@) AND state <> 'free'",
        (now, draw_id, *numbers),
        len(numbers),
    ).fetchall()
    return sorted(n for n, lapsed in rows if not lapsed), any(lapsed for _, lapsed in rows)


def pending_for_mobile(draw_id: int, mobile: str, now: datetime) -> int:
    """Unexpired pending bookings of one mobile. Only draw and mobile are in the WHERE clause, so
    the (draw, mobile, …) index is the one used: a few rows, however many bookings are pending."""
    return run_sql(
        "SELECT COUNT(CASE WHEN state = 'pending' AND expires_at > ? THEN 1 END) FROM booking "
        "WHERE draw_id = ? AND mobile = ?",
        (now, draw_id, mobile),
    ).fetchone()[0]


def client_usage(draw_id: int, client_key: str, now: datetime, since: datetime) -> tuple[int, int]:
    """(tickets one web client holds in unexpired pending bookings, bookings it made after `since`),
    read through the (draw, client_key, created_at) index: that client's rows only."""
    row = run_sql(
        "SELECT COALESCE(SUM(CASE WHEN state = 'pending' AND expires_at > ? THEN ticket_count ELSE 0 END), 0), "
        "COUNT(CASE WHEN created_at > ? THEN 1 END) FROM booking WHERE draw_id = ? AND client_key = ?",
        (now, since, draw_id, client_key),
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def reserved_amounts(draw_id: int, low: int, high: int, now: datetime) -> tuple[set[int], set[int]]:
    """(amounts in low..high reserved by an order that may still receive money, amounts whose
    late-payment window is over but that are still marked reserved)."""
    used: set[int] = set()
    lapsed: set[int] = set()
    for amount, over in run_sql(
        "SELECT amount_lock, CASE WHEN state <> 'pending' AND amount_lock_until IS NOT NULL "
        "AND amount_lock_until <= ? THEN 1 ELSE 0 END FROM booking "
        "WHERE draw_id = ? AND amount_lock >= ? AND amount_lock <= ?",
        (now, draw_id, low, high),
    ).fetchall():
        (lapsed if over else used).add(amount)
    return used, lapsed


def release_amount(draw_id: int, amount: int, now: datetime) -> None:
    run_sql(
        "UPDATE booking SET amount_lock = NULL WHERE draw_id = ? AND amount_lock = ? AND state <> 'pending' "
        "AND amount_lock_until <= ?",
        (draw_id, amount, now),
    )


def insert_order(values: dict) -> int:
    columns = list(values)
    cursor = run_sql(
        f"INSERT INTO booking ({', '.join(columns)}) VALUES (@@) RETURNING id", tuple(values.values()), len(columns)
    )
    return cursor.fetchone()[0]


def claim_free(draw_id: int, numbers, order_id: int, held_until: datetime) -> int:
    """Mark these tickets held by the order if they are free; returns how many were claimed.
    (Rows are found by id through the (draw, number) index, never by scanning free tickets.)"""
    cursor = run_sql(
        "UPDATE ticket SET state = 'held', order_id = ?, held_until = ? WHERE id IN "
        "(SELECT id FROM ticket WHERE draw_id = ? AND number IN (@@)) AND state = 'free'",
        (order_id, held_until, draw_id, *numbers),
        len(numbers),
    )
    return cursor.rowcount


def insert_event(kind: str, draw_id: int, order_id: int, at: datetime, **detail) -> None:
    run_sql(
        "INSERT INTO event (at, draw_id, kind, order_id, detail) VALUES (?, ?, ?, ?, ?)",
        (at, draw_id, kind, order_id, json.dumps(detail, default=str, sort_keys=True)),
    )


STATUS_COLUMNS = ("session_id", "reference", "state", "tickets", "payable_paise", "expires_at", "paid_at", "draw_id")
STATUS_SQL = "SELECT " + ", ".join(STATUS_COLUMNS) + " FROM booking WHERE session_id = ?"
STATUS_AND_ID_SQL = "SELECT id, " + ", ".join(STATUS_COLUMNS) + " FROM booking WHERE session_id = ?"


def status_row(session_id: str) -> tuple | None:
    """One booking's status columns by session id (a unique index: one row at most), unconverted."""
    return _one(STATUS_SQL, session_id)


def status_row_and_id(session_id: str) -> tuple | None:
    """(the booking's id, *its status columns): the row `shared.status_cache` keeps."""
    return _one(STATUS_AND_ID_SQL, session_id)


def _one(template: str, session_id: str) -> tuple | None:
    """The poll's read on the driver's cursor, without the query layer around `execute_sql` (a
    third of the read's time); the driver's errors still reach callers as peewee's."""
    db = database.obj
    with _driver_errors:
        cursor = db.cursor()
        cursor.execute(_sql(template, db.param), (session_id,))
        return cursor.fetchone()
