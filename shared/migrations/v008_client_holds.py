"""Version 8: the hold limits of one client (one IP as the web sees it). Each draw gets the most
tickets one client may hold at once and the most bookings one client may make within one
late-payment window (existing draws get the defaults); each booking records the client key the web
gave it (none for console and CLI sales). Plain DDL of the columns as of this step."""

from . import ddl

VERSION = 8

COLUMNS = (
    ("draw", "max_held_per_client", 'ALTER TABLE "draw" ADD COLUMN "max_held_per_client" INTEGER NOT NULL DEFAULT 60'),
    (
        "draw",
        "max_bookings_per_client_window",
        'ALTER TABLE "draw" ADD COLUMN "max_bookings_per_client_window" INTEGER NOT NULL DEFAULT 30',
    ),
    ("booking", "client_key", 'ALTER TABLE "booking" ADD COLUMN "client_key" VARCHAR(64)'),
)
INDEX = (
    'CREATE INDEX IF NOT EXISTS "booking_draw_id_client_key_created_at" '
    'ON "booking" ("draw_id", "client_key", "created_at")'
)


def up(db) -> None:
    """Add each column the database lacks (like the CREATE … IF NOT EXISTS of earlier steps, running
    the step twice changes nothing), then the index."""
    for table, column, statement in COLUMNS:
        if column not in {c.name for c in db.get_columns(table)}:
            ddl.run(db, [statement])
    ddl.run(db, [INDEX])
