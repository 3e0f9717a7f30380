"""Version 10: each draw may carry its terms and permit line ("Permission no. 123/2026 of the
District Collector, Pune. Terms: one prize per ticket") and its planned closing time (naive UTC).
Both are optional; existing draws have neither. Plain DDL of the columns as of this step.
Frozen once released: never edit this step."""

from . import ddl

VERSION = 10

COLUMNS = (
    ("draw", "terms", 'ALTER TABLE "draw" ADD COLUMN "terms" TEXT'),
    ("draw", "closes_at", 'ALTER TABLE "draw" ADD COLUMN "closes_at" {DATETIME}'),
)


def up(db) -> None:
    """Add each column the database lacks (running the step twice changes nothing)."""
    for table, column, statement in COLUMNS:
        if column not in {c.name for c in db.get_columns(table)}:
            ddl.run(db, [statement])
