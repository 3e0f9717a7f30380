"""Version 6: each draw names the time zone its buyers see (a hosted web runs in UTC); existing
draws get Asia/Kolkata."""

from . import ddl

VERSION = 6

STATEMENTS = ('ALTER TABLE "draw" ADD COLUMN "time_zone" VARCHAR(64) NOT NULL DEFAULT \'Asia/Kolkata\'',)


def up(db) -> None:
    """Add the column unless the database has it (running the step twice changes nothing)."""
    if "time_zone" not in {c.name for c in db.get_columns("draw")}:
        ddl.run(db, STATEMENTS)
