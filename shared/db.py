"""Database connection, the shared model base and write transactions (schema steps: shared.migrations).

`connect(url)` accepts a SQLite path (`luckydraw.db`, `sqlite:///path/to.db`) or a PostgreSQL URL
(`postgresql://user@host:5432/name`). Every write goes through `write_tx()`, which takes the write
lock up front: `BEGIN IMMEDIATE` on SQLite (behind a process-local lock and, across processes, an
OS file lock, which keep contended latency low), and one transaction-scoped advisory lock on
PostgreSQL. Writers are therefore
serialised on both databases; reads never wait for them.
"""

import os
import sqlite3
import threading
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlparse

try:
    import fcntl
except ImportError:  # Windows: one server process; the in-process lock below suffices
    fcntl = None  # type: ignore[assignment]

import peewee
from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase

from .errors import LuckyDrawError

database = DatabaseProxy()

DEFAULT_URL = "luckydraw.db"
ADVISORY_LOCK_KEY = 0x4C75636B79  # "Lucky"
_sqlite_write_lock = threading.RLock()
_pg_locked = threading.local()  # depth > 0: this thread's PostgreSQL write transaction holds the lock
_after_write = threading.local()  # callbacks: what to do once this thread's PostgreSQL write transaction ends


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def utcnow() -> datetime:
    """Naive UTC: what every DateTimeField stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get("LUCKYDRAW_DATABASE_URL") or DEFAULT_URL


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def make_database(url: str | None = None):
    url = resolve_url(url)
    if is_postgres_url(url):
        _require_postgres_driver()
        parts = urlparse(url)
        params: dict[str, str | int] = {}
        if parts.hostname:
            params["host"] = parts.hostname
        if parts.port:
            params["port"] = parts.port
        if parts.username:
            params["user"] = unquote(parts.username)
        if parts.password:
            params["password"] = unquote(parts.password)
        name = (parts.path or "/").lstrip("/") or "postgres"
        schema = parse_qs(parts.query).get("schema", [None])[0]
        if schema:
            if not schema.replace("_", "").isalnum():
                raise ValueError(f"bad schema name {schema!r}")
            params["options"] = f"-c search_path={schema}"
        db = PostgresqlDatabase(name, **params)
        db.luckydraw_schema = schema
        # One write lock per schema, so separate installs sharing a server never queue on each other.
        db.luckydraw_lock_key = ADVISORY_LOCK_KEY + (zlib.crc32(schema.encode()) if schema else 0)
        return db
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else url
    if url.startswith("sqlite://") and not url.startswith("sqlite:///"):
        path = url[len("sqlite://") :]
    return SqliteDatabase(
        path,
        timeout=30,
        check_same_thread=False,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 30000,
            "synchronous": "normal",
            "cache_size": -16000,
        },
    )


def _require_postgres_driver() -> None:
    """A plain install has no PostgreSQL driver (it is the `postgres` extra): say how to add it."""
    if getattr(peewee, "psycopg2", None) is None and getattr(peewee, "psycopg", None) is None:
        raise LuckyDrawError(
            "PostgreSQL needs its driver, which a plain install leaves out: run pip install 'luckydraw[postgres]'."
        )


def bind(url: str | None = None):
    """Bind the models to the database at `url` (no schema work: `shared.setup.connect` does that)."""
    db = make_database(url)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def _write_gate(db) -> int | None:
    """This process's descriptor of `<db file>-writelock`, opened once per process (after a fork
    too), or None where there is no flock (Windows) or no file. Writers of every process (web
    workers, console, command line) queue on it: the kernel wakes the next one as soon as the lock
    is free, where SQLite's busy handler would sleep in growing steps of up to 100 ms."""
    path = db.database
    if fcntl is None or not path or path == ":memory:" or os.environ.get("LUCKYDRAW_WRITE_GATE", "1") == "0":
        return None
    gate = getattr(db, "luckydraw_gate", None)
    if gate is None or gate[0] != os.getpid():
        try:
            fd = os.open(os.path.abspath(path) + "-writelock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # a folder we cannot write in: SQLite's own locking still holds
            return None
        gate = db.luckydraw_gate = (os.getpid(), fd)
    return gate[1]


def copy_sqlite(source, dest, *, self_contained: bool = False, wait_seconds: float = 30) -> None:
    """One consistent snapshot of the SQLite file `source` written into `dest`, by the online
    backup API (writers of `source` are not stopped; `source` is only read). `self_contained`: the
    copy in rollback-journal mode, one file to keep or hand over. sqlite3.Error or OSError when it fails."""
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=wait_seconds)
    target = sqlite3.connect(dest, timeout=wait_seconds)
    try:
        copy.execute(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
        copy.backup(target)  # one step: a single consistent snapshot
        if self_contained:
            target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
        copy.close()


@contextmanager
def write_tx():
    """A write transaction that holds the database's write lock from its first statement."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        with _sqlite_write_lock:
            if db.in_transaction():
                with db.atomic():
                    yield
                return
            gate = _write_gate(db)
            if gate is not None:
                fcntl.flock(gate, fcntl.LOCK_EX)
            try:
                with db.atomic("IMMEDIATE"):
                    yield
            finally:
                if gate is not None:
                    fcntl.flock(gate, fcntl.LOCK_UN)
    elif getattr(_pg_locked, "depth", 0):  # inside this thread's write transaction: the lock is held
        with db.atomic():
            yield
    else:
        callbacks = _after_write.callbacks = []
        try:
            with db.atomic():
                db.execute_sql(
                    "SELECT pg_advisory_xact_lock(%s)", (getattr(db, "luckydraw_lock_key", ADVISORY_LOCK_KEY),)
                )
                _pg_locked.depth = 1
                try:
                    yield
                finally:
                    _pg_locked.depth = 0
        finally:
            _after_write.callbacks = None
            for callback in callbacks:
                callback()


def after_write(callback) -> None:
    """Call `callback()` once this thread's PostgreSQL write transaction has ended (committed or
    rolled back), or at once outside one. For what must not happen before the change is visible to
    other connections, such as forgetting a cached copy of a row it changed. (Inside a transaction
    a caller opened itself, without write_tx, it runs when the outermost write_tx block ends.)"""
    pending = getattr(_after_write, "callbacks", None)
    if pending is None:
        callback()
    else:
        pending.append(callback)


def drop_connection() -> None:
    """After an unexpected database error, forget this thread's connection (rolling back what it
    had open) so that the next call opens a fresh one: a PostgreSQL server that restarted, or a
    broken SQLite handle, leaves the old connection dead."""
    db = database.obj
    if db is None:
        return
    try:
        if not db.is_closed():
            if db.in_transaction():
                db.rollback()
            db.close()
    except Exception:  # already broken: make peewee forget it
        try:
            db._state.reset()
        except Exception:
            pass


def close():
    """Close this thread's connection, if any (per-request handling in the web)."""
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
