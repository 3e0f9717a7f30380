"""Applies migration steps in order, in one write transaction, and records each in `schema_version`."""

from datetime import datetime, timezone

from peewee import PostgresqlDatabase, Table

from ..db import write_tx
from ..errors import LuckyDrawError

VERSION_TABLE = "schema_version"


class SchemaTooNew(LuckyDrawError):
    """The database was upgraded by a newer Lucky Draw than this one: nothing is changed in it."""

    status = 503
    code = "schema_too_new"


def check_steps(steps) -> None:
    """Steps are numbered 1, 2, 3, … in list order and each has `up(db)`."""
    for position, step in enumerate(steps, start=1):
        if getattr(step, "VERSION", None) != position or not callable(getattr(step, "up", None)):
            raise RuntimeError(f"migration step {step.__name__} must have VERSION = {position} and def up(db)")


def _has_version_table(db) -> bool:
    if isinstance(db, PostgresqlDatabase):
        sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = %s"
    else:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute_sql(sql, (VERSION_TABLE,)).fetchone() is not None


def current_version(db) -> int:
    """The newest step recorded in the database; 0 for an empty database."""
    if not _has_version_table(db):
        return 0
    row = db.execute_sql(f'SELECT MAX("version") FROM "{VERSION_TABLE}"').fetchone()
    return row[0] or 0


def upgrade(db, steps, target: int) -> int:
    """Run the steps newer than the database's version, up to `target`; returns the version reached."""
    versions = Table(VERSION_TABLE, ("version", "applied_at")).bind(db)
    with write_tx():
        version = current_version(db)
        if version > len(steps):
            raise SchemaTooNew(
                f"This database has schema version {version}, newer than this Lucky Draw knows "
                f"({len(steps)}). Install the newer Lucky Draw that upgraded it."
            )
        for step in steps:
            if version < step.VERSION <= target:
                step.up(db)
                now = datetime.now(timezone.utc).replace(tzinfo=None)
                versions.insert(version=step.VERSION, applied_at=now).execute()
                version = step.VERSION
    return version
