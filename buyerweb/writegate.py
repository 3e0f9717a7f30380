"""Let one web worker process at a time into a SQLite write transaction.

`shared.db.write_tx` serialises writers inside one process and uses BEGIN IMMEDIATE across
processes; but a SQLite writer that finds the file locked by another process waits in SQLite's
busy handler, which sleeps in growing steps (up to 100 ms) instead of waking when the lock is
free. With several worker processes and a crowd at sale opening that sleeping dominated: 154
holds/s and p99 875 ms. Queueing the web's writers on an OS file lock (flock: the kernel wakes the
next waiter at once) keeps them in line across processes. PostgreSQL, and systems without flock,
need no gate: there it is a no-op."""

import os
import threading
from contextlib import contextmanager

from peewee import SqliteDatabase

try:
    import fcntl
except ImportError:  # Windows: one waitress process, the in-process lock in shared.db suffices
    fcntl = None


class WriteGate:
    def __init__(self, database):
        self.path = None
        if (fcntl is not None and isinstance(database, SqliteDatabase) and database.database not in ("", ":memory:")
                and os.environ.get("LUCKYDRAW_WRITE_GATE", "1") != "0"):
            self.path = os.path.abspath(database.database) + "-weblock"
        self._lock = threading.Lock()
        self._fd = None
        self._pid = None

    def _descriptor(self) -> int:
        if self._pid != os.getpid():  # opened after fork, once per worker process
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextmanager
    def __call__(self):
        if self.path is None:
            yield
            return
        with self._lock:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
