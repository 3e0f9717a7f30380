"""Plain DDL for both databases: the few type names that differ between SQLite and PostgreSQL.

A statement names them as `{AUTO}` (an auto-numbered integer primary key), `{DATETIME}`, `{BOOL}`
and `{BLOB}`; everything else is written once. These are the types Peewee gave the released
tables, so a released step recreates them exactly.
"""

from peewee import PostgresqlDatabase

TYPES = {
    "sqlite": {"AUTO": "INTEGER", "DATETIME": "DATETIME", "BOOL": "INTEGER", "BLOB": "BLOB"},
    "postgres": {"AUTO": "SERIAL", "DATETIME": "TIMESTAMP", "BOOL": "BOOLEAN", "BLOB": "BYTEA"},
}


def dialect(db) -> str:
    return "postgres" if isinstance(db, PostgresqlDatabase) else "sqlite"


def run(db, statements) -> None:
    """Execute each statement with this database's type names filled in."""
    types = TYPES[dialect(db)]
    for statement in statements:
        db.execute_sql(statement.format(**types))
