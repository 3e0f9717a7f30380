"""Restore on PostgreSQL, and the lock that tells restore whether a buyer web is running there.

Every buyer web process holds a shared session advisory lock (one key per install: the database's
write-lock key + 1) on a connection of its own for the life of the process (`announce_web`);
`restore` takes the same key exclusively, without waiting, on its own connection and keeps it to
the end, so it refuses while any web process, on any machine, serves that database, and no web can
start halfway through.

A restore replaces the install's schema in one transaction: `pg_restore` turns the dump (made by
`luckydraw backup`, pg_dump's custom format) into SQL, and psql runs `DROP SCHEMA … CASCADE`, that
SQL and nothing else with ON_ERROR_STOP in a single transaction, so a dump that fails halfway
changes nothing. Tables a newer version added are dropped with the schema and made again by the
migrations when the database is next opened."""

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from .db import database

# (process id, database and schema, connection): a web process serves one database, so one lock.
_web_connection: dict[str, tuple] = {}


def pg_conninfo(url: str) -> tuple[str, str | None]:
    """The libpq URL (without Lucky Draw's own `schema` parameter) and the schema, if any."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = query.pop("schema", [None])[0]
    rest = "&".join(f"{key}={value}" for key, values in query.items() for value in values)
    return urlunsplit(parts._replace(query=rest)), schema


def _web_key(db) -> int:
    return int(db.luckydraw_lock_key) + 1


def _connect(db):
    """A connection of its own to the database `db` is bound to (not peewee's, which comes and goes)."""
    import psycopg2  # only on PostgreSQL, where the driver is installed (setup says so otherwise)

    params = {k: v for k, v in db.connect_params.items() if k != "options"}
    return psycopg2.connect(dbname=db.database, **params)


def announce_web() -> None:
    """Called by every buyer web process on PostgreSQL: hold the shared web lock until it exits."""
    db = database.obj
    key = f"{db.database}:{getattr(db, 'luckydraw_schema', None)}"
    held = _web_connection.get("held")
    if held and held[0] == os.getpid():
        if held[1] == key:
            return
        held[2].close()  # this process now serves another database: let go of the old one's lock
    connection = _connect(db)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock_shared(%s)", (_web_key(db),))
    _web_connection["held"] = (os.getpid(), key, connection)


def hold_for_restore():
    """The exclusive web lock on a connection of its own (close it to let go), or None while a
    buyer web holds it."""
    db = database.obj
    connection = _connect(db)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", (_web_key(db),))
        if cursor.fetchone()[0]:
            return connection
    connection.close()
    return None


class DumpProblem(Exception):
    """The file is not a dump this install can restore; the message says why."""


def dumped_schema(path: Path) -> str:
    """The schema a Lucky Draw dump holds ("public" for a whole-database dump). DumpProblem when
    pg_restore cannot read it or it holds no Lucky Draw tables."""
    tool = shutil.which("pg_restore")
    if tool is None:
        raise DumpProblem(
            "pg_restore is not installed here: install the PostgreSQL client (Debian/Ubuntu: "
            "apt-get install postgresql-client)."
        )
    listed = subprocess.run([tool, "--list", str(path)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise DumpProblem(f"{path.name} is not a PostgreSQL dump pg_restore can read.")
    tables = re.findall(r"TABLE DATA (\S+) (\S+) ", listed.stdout)
    names = {table for _schema, table in tables}
    if not {"draw", "booking", "payment", "schema_version"} <= names:
        raise DumpProblem(f"{path.name} is not a Lucky Draw dump (it has no draws, bookings and payments).")
    schemas = {schema for schema, _table in tables}
    if len(schemas) != 1:
        raise DumpProblem(f"{path.name} holds several schemas ({', '.join(sorted(schemas))}).")
    return schemas.pop()


def restore_dump(path: Path, conninfo: str, schema: str) -> None:
    """Replace `schema` by the dump at `path` in one transaction. DumpProblem when it fails (then
    nothing changed)."""
    script = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-privileges", "-f", "-", str(path)],
        capture_output=True,
        text=True,
    )
    if script.returncode != 0:
        raise DumpProblem(f"pg_restore could not read {path.name}: {script.stderr.strip()[:300]}")
    sql = script.stdout
    creates = re.search(rf"^CREATE SCHEMA {re.escape(schema)};", sql, re.MULTILINE)
    prelude = f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;\n' + ("" if creates else f'CREATE SCHEMA "{schema}";\n')
    psql = shutil.which("psql")
    if psql is None:
        raise DumpProblem(
            "psql is not installed here: install the PostgreSQL client (Debian/Ubuntu: postgresql-client)."
        )
    done = subprocess.run(
        [psql, "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", conninfo, "-f", "-"],
        input=prelude + sql,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DumpProblem(f"the restore failed and nothing was changed: {done.stderr.strip()[:300]}")
