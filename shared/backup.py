"""Backups and restore of the organiser's database.

`backup(dest)` takes a consistent copy while the web and the console keep writing: on SQLite with
the online backup API (`sqlite3.Connection.backup`: one snapshot, writers are not stopped), on
PostgreSQL with `pg_dump` when it is installed. Every SQLite copy is verified after writing:
`PRAGMA integrity_check`, then the core's reconciliation of every draw on the copy (run in a
separate process, `python -m shared.backup_check`, so this process's own connection is never
rebound). `auto_backup(reason)` writes into `backups/` next to the database and keeps the newest K
automatic copies; the schedule (every N minutes while the console runs, keep K) is kept in the
Setting table.

`restore(path)` refuses while a buyer web runs on the database (every web process holds a shared
lock on `<database>-web.lock`, see `announce_web`; on PostgreSQL an advisory lock), checks the file
the same way, keeps the current database aside as a backup, copies the file in under the write
lock (on PostgreSQL: replaces the schema in one transaction, see shared.backup_pg) and says what it
restored."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no web lock (one process serves there anyway)
    fcntl = None  # type: ignore[assignment]

from . import backup_pg
from .backup_pg import pg_conninfo
from .db import copy_sqlite, database, is_sqlite, resolve_url, utcnow, write_tx
from .errors import LuckyDrawError
from .models import Setting

EVERY_KEY, KEEP_KEY = "backup.every_minutes", "backup.keep"
DEFAULT_EVERY, DEFAULT_KEEP = 15, 24
AUTO_PREFIX = "auto-"


class BackupFailed(LuckyDrawError):
    status = 500
    code = "backup_failed"


class RestoreRefused(LuckyDrawError):
    status = 409
    code = "restore_refused"


@dataclass(frozen=True)
class Contents:
    """What a database file holds, as a restore reports it."""

    draw: str  # "#3 Diwali Mela (open)" or "no draw"
    bookings: int
    payments: int
    newest_payment: str | None  # UTC, ISO
    problems: tuple[str, ...]  # integrity or reconciliation problems; empty = sound

    def line(self) -> str:
        newest = f"newest payment {self.newest_payment} UTC" if self.newest_payment else "no payments yet"
        return f"draw {self.draw}, {self.bookings} bookings, {self.payments} payments, {newest}"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    contents: Contents | None  # None for a PostgreSQL dump (checked by pg_restore --list)
    seconds: float


# --------------------------------------------------------------------------- settings


def schedule() -> tuple[int, int]:
    """(every N minutes, keep K) of the automatic backups."""
    rows = Setting.select().where(Setting.key.in_([EVERY_KEY, KEEP_KEY]))
    values: dict[str, str] = {row.key: row.value for row in rows}
    try:
        every = int(values.get(EVERY_KEY, DEFAULT_EVERY))
        keep = int(values.get(KEEP_KEY, DEFAULT_KEEP))
    except ValueError:
        every, keep = DEFAULT_EVERY, DEFAULT_KEEP
    return every, keep


def set_schedule(every: int | None = None, keep: int | None = None) -> tuple[int, int]:
    if every is not None and not 0 <= every <= 24 * 60:
        raise LuckyDrawError("Backup interval must be 0 (off) to 1440 minutes.")
    if keep is not None and not 1 <= keep <= 1000:
        raise LuckyDrawError("Backups to keep must be 1 to 1000.")
    with write_tx():
        for key, value in ((EVERY_KEY, every), (KEEP_KEY, keep)):
            if value is not None:
                Setting.delete().where(Setting.key == key).execute()
                Setting.create(key=key, value=str(value))
    return schedule()


# ----------------------------------------------------------------------------- where


def sqlite_path() -> Path | None:
    db = database.obj
    if db is None or not is_sqlite() or db.database in ("", ":memory:"):
        return None
    return Path(db.database).resolve()


def backups_dir() -> Path:
    path = sqlite_path()
    return (path.parent if path else Path.cwd()) / "backups"


def _stamp(now: datetime | None = None) -> str:
    return (now or utcnow()).strftime("%Y%m%d-%H%M%S-%f")[:-3]


# ------------------------------------------------------------------------------ backup


def backup(dest: str | Path | None = None, *, url: str | None = None, name: str = "") -> BackupResult:
    """A verified, consistent copy of the connected database at `dest` (default backups/…)."""
    started = datetime.now()
    path = sqlite_path()
    if path is None:
        return _pg_dump(dest, url, name, started)
    dest = Path(dest) if dest else backups_dir() / f"{name or 'luckydraw'}-{_stamp()}.db"
    if dest.is_dir():
        dest = dest / f"{name or 'luckydraw'}-{_stamp()}.db"
    if dest.resolve() == path:
        raise BackupFailed("The backup cannot be written over the database itself; choose another file.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    try:
        copy_sqlite(path, partial, self_contained=True)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"The backup to {dest} failed: {exc}. The database is unchanged.") from None
    contents = check_file(partial)
    if contents.problems:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"The copy failed its check ({'; '.join(contents.problems)}); nothing was kept.")
    os.replace(partial, dest)
    return BackupResult(dest, contents, (datetime.now() - started).total_seconds())


def _pg_dump(dest, url, name, started) -> BackupResult:
    url = resolve_url(url)
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupFailed(
            "pg_dump is not installed here: install the PostgreSQL client (Debian/Ubuntu: "
            "apt-get install postgresql-client) or use your provider's backups."
        )
    conninfo, schema = pg_conninfo(url)
    dest = Path(dest) if dest else backups_dir() / f"{name or 'luckydraw'}-{_stamp()}.dump"
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    command = [tool, "--format=custom", "--no-owner", f"--file={partial}"]
    if schema:
        command.append(f"--schema={schema}")
    done = subprocess.run([*command, conninfo], capture_output=True, text=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip()[:300]}")
    listed = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--list", str(partial)], capture_output=True, text=True
    )
    if listed.returncode != 0 or "TABLE DATA" not in listed.stdout or " payment " not in listed.stdout:
        partial.unlink(missing_ok=True)
        raise BackupFailed("The dump could not be read back by pg_restore; nothing was kept.")
    os.replace(partial, dest)
    return BackupResult(dest, None, (datetime.now() - started).total_seconds())


def auto_backup(reason: str, *, keep: int | None = None) -> BackupResult:
    """An automatic backup into backups/ (`auto-<reason>-<time>`), keeping the newest `keep` of them."""
    result = backup(name=f"{AUTO_PREFIX}{reason}")
    keep = schedule()[1] if keep is None else keep
    autos = sorted(
        (p for p in result.path.parent.glob(f"{AUTO_PREFIX}*") if not p.name.endswith(".partial")),
        key=lambda p: p.stat().st_mtime_ns,
    )
    for old in autos[:-keep]:
        old.unlink(missing_ok=True)
    return result


# ------------------------------------------------------------------------------- check


def check_file(path: str | Path) -> Contents:
    """Integrity check, schema version and reconciliation of every draw of a SQLite file (in a
    separate process, which opens only that file)."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return Contents("?", 0, 0, None, (f"{path.name} is not a Lucky Draw SQLite database",))
    except OSError as exc:
        return Contents("?", 0, 0, None, (f"{path} cannot be read: {exc.strerror}",))
    done = subprocess.run(
        [sys.executable, "-m", "shared.backup_check", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Contents("?", 0, 0, None, (f"the check of {path.name} failed: {done.stderr.strip()[-300:]}",))
    return Contents(data["draw"], data["bookings"], data["payments"], data["newest_payment"], tuple(data["problems"]))


# ------------------------------------------------------------------------------ the web


_web_lock: dict[str, tuple[int, int]] = {}


def web_lock_path(path: Path) -> Path:
    return path.with_name(path.name + "-web.lock")


def announce_web() -> None:
    """Called by every buyer web process: a shared lock on `<database>-web.lock`, held for the
    life of the process, which `restore` checks (on PostgreSQL an advisory lock, see backup_pg)."""
    path = sqlite_path()
    if path is None and database.obj is not None and not is_sqlite():
        backup_pg.announce_web()
        return
    if path is None or fcntl is None:
        return
    key = str(path)
    held = _web_lock.get(key)
    if held and held[0] == os.getpid():
        return
    try:
        fd = os.open(web_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return
    fcntl.flock(fd, fcntl.LOCK_SH)
    _web_lock[key] = (os.getpid(), fd)


def _web_running(path: Path) -> int | None:
    """An exclusive lock on the web lock file when no web holds it (the descriptor), else None."""
    if fcntl is None:
        return -1
    fd = os.open(web_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


# ----------------------------------------------------------------------------- restore


def restore(source: str | Path, *, url: str | None = None) -> tuple[Contents, Path]:
    """Replace the connected SQLite database by the backup at `source`: (what it holds, where the
    previous database was kept)."""
    path = sqlite_path()
    if path is None:
        return _restore_postgres(Path(source), resolve_url(url))
    source = Path(source)
    if not source.is_file():
        raise RestoreRefused(f"There is no backup file {source}.")
    if source.resolve() == path:
        raise RestoreRefused("That file is the database itself; choose a backup file.")
    gate = _web_running(path)
    if gate is None:
        raise RestoreRefused(
            "The buyer web is running on this database: stop it (and the console's web) first, then restore."
        )
    try:
        contents = check_file(source)
        if contents.problems:
            raise RestoreRefused(
                f"{source} is not a sound backup ({'; '.join(contents.problems)}); nothing was changed."
            )
        kept = backup(name="before-restore") if path.exists() else path
        database.obj.close()
        with write_tx():
            pass  # wait for any writer of the console or command line to finish
        copy_sqlite(source.resolve(), path)
        return contents, kept.path if isinstance(kept, BackupResult) else kept
    finally:
        if gate >= 0:
            os.close(gate)


def _restore_postgres(source: Path, url: str) -> tuple[Contents, Path]:
    """Restore on PostgreSQL (see shared.backup_pg): the same checks and report as on SQLite."""
    if not source.is_file():
        raise RestoreRefused(f"There is no backup file {source}.")
    conninfo, schema = pg_conninfo(url)
    try:
        dumped = backup_pg.dumped_schema(source)
    except backup_pg.DumpProblem as problem:
        raise RestoreRefused(f"{problem} Nothing was changed.") from None
    if dumped != (schema or "public"):
        raise RestoreRefused(
            f"{source.name} holds the schema '{dumped}', but this database is in '{schema or 'public'}'; "
            f"nothing was changed."
        )
    lock = backup_pg.hold_for_restore()
    if lock is None:
        raise RestoreRefused(
            "The buyer web is running on this database: stop it (and the console's web) first, then restore."
        )
    try:
        kept = backup(name="before-restore", url=url)
        database.obj.close()
        try:
            backup_pg.restore_dump(source, conninfo, dumped)
        except backup_pg.DumpProblem as problem:
            raise RestoreRefused(f"{problem} The database is as it was.") from None
        from . import setup
        from .backup_check import connected_summary

        setup.connect(url)  # the restored schema brought up to this version
        data = connected_summary()
        contents = Contents(
            data["draw"], data["bookings"], data["payments"], data["newest_payment"], tuple(data["problems"])
        )
        return contents, kept.path
    finally:
        lock.close()


def backup_before_new_draw() -> BackupResult | None:
    """The automatic backup taken before a new draw archives the current one. None (nothing to
    keep) before the first draw, or on PostgreSQL without pg_dump (the provider's backups then);
    BackupFailed when a copy could not be made or failed its check (the new draw should wait)."""
    from .draws import current_draw

    if current_draw(required=False) is None:
        return None
    if sqlite_path() is None and shutil.which("pg_dump") is None:
        return None
    return auto_backup("before-draw")


def backup_due(last: datetime | None, now: datetime | None = None) -> bool:
    """Whether the console's periodic backup is due (never when the interval is 0)."""
    every, _ = schedule()
    if every <= 0:
        return False
    return last is None or ((now or utcnow()) - last).total_seconds() >= every * 60
