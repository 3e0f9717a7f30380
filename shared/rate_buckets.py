"""Rate limits that hold across every web worker and machine: the token bucket of
shared.ratelimit, kept in the database's `rate_bucket` table instead of one process's memory.

`SharedRateLimiter(name, limit)` has the same `hit(key)` / `wait(key)` as `RateLimiter`. A hit is
ONE statement (an INSERT … ON CONFLICT DO UPDATE … RETURNING) that refills the bucket for the time
that passed, spends a token if there is one and says whether it did, so two workers hitting the
same key at once are serialised by the row lock (PostgreSQL) or the write lock (SQLite, where the
statement runs inside `write_tx` to queue fairly with the other writers). On PostgreSQL its
transaction does not wait for the WAL flush: a bucket lost in a crash only forgives a few
attempts. Time is the caller's clock in seconds since the epoch; a bucket never goes back in time
when machines' clocks differ a little. Buckets that have refilled are deleted now and then: a
missing row is a full bucket."""

import math
import time

from .db import database, is_sqlite, write_tx
from .ratelimit import Limit

PRUNE_EVERY = 1000  # hits of one process between two clean-ups of refilled buckets


def _number(value: float) -> str:
    """A setting's number as SQL text (never user input: limits come from the web's settings)."""
    return repr(float(value))


class SharedRateLimiter:
    """A token bucket per key, shared through the database. Keys are namespaced by `name` (e.g.
    "hold_ip"), so several limits can share the table."""

    def __init__(self, name: str, limit: Limit, clock=time.time):
        self.name = name
        self.limit = limit
        self.rate = limit.count / limit.seconds
        self.clock = clock
        self._hits = 0
        self._sql: dict[bool, str] = {}

    def _statement(self, sqlite: bool) -> str:
        sql = self._sql.get(sqlite)
        if sql is None:
            least, greatest = ("MIN", "MAX") if sqlite else ("LEAST", "GREATEST")
            cap, rate = _number(self.limit.count), _number(self.rate)
            refill = f"{least}({cap}, rate_bucket.tokens + {greatest}(0, excluded.at - rate_bucket.at) * {rate})"
            left = f"(CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END)"
            mark = "?" if sqlite else "%s"
            sql = self._sql[sqlite] = (
                'INSERT INTO "rate_bucket" ("key", "tokens", "at", "full_at", "allowed") '
                f"VALUES ({mark}, {mark}, {mark}, {mark}, {'1' if sqlite else 'TRUE'}) "
                'ON CONFLICT ("key") DO UPDATE SET '
                f'"allowed" = ({refill} >= 1), '
                f'"tokens" = {left}, '
                f'"at" = {greatest}(rate_bucket.at, excluded.at), '
                f'"full_at" = {greatest}(rate_bucket.at, excluded.at) + ({cap} - {left}) / {rate} '
                'RETURNING "allowed", "tokens"'
            )
        return sql

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"[:200]

    def hit(self, key: str) -> int:
        """Spend one token of `key`'s bucket: 0 when allowed, else the whole seconds to wait (≥ 1)."""
        now = self.clock()
        sqlite = is_sqlite()
        params = (self._key(key), float(self.limit.count) - 1.0, now, now + 1.0 / self.rate)
        db = database.obj
        if sqlite:
            with write_tx():
                allowed, tokens = db.execute_sql(self._statement(True), params).fetchone()
        else:
            # One round trip, one implicit transaction that does not wait for the WAL flush (a
            # bucket need not survive a crash).
            sql = "SET LOCAL synchronous_commit TO OFF; " + self._statement(False)
            allowed, tokens = db.execute_sql(sql, params).fetchone()
        self._hits += 1
        if self._hits % PRUNE_EVERY == 0:
            self.prune(now)
        if allowed:
            return 0
        return max(1, math.ceil((1.0 - tokens) / self.rate))

    def wait(self, key: str) -> int:
        """The seconds `key` would wait now, spending nothing."""
        row = database.obj.execute_sql(
            'SELECT "tokens", "at" FROM "rate_bucket" WHERE "key" = ' + ("?" if is_sqlite() else "%s"),
            (self._key(key),),
        ).fetchone()
        if row is None:
            return 0
        tokens = min(float(self.limit.count), row[0] + max(0.0, self.clock() - row[1]) * self.rate)
        return 0 if tokens >= 1.0 else max(1, math.ceil((1.0 - tokens) / self.rate))

    def prune(self, now: float | None = None) -> int:
        """Delete the buckets that have refilled by now (of every limit): they are as good as new."""
        now = self.clock() if now is None else now
        sql = 'DELETE FROM "rate_bucket" WHERE "full_at" < ' + ("?" if is_sqlite() else "%s")
        if is_sqlite():
            with write_tx():
                return database.obj.execute_sql(sql, (now,)).rowcount
        return database.obj.execute_sql(sql, (now,)).rowcount
