"""Version 7: the buyer's UTR claim on a booking (claimed_utr, claimed_at, unique among open
bookings) and the draw's payee settings (payee kind, merchant category code, gallery-QR cap).
Frozen once released: never edit this step."""

from . import ddl

VERSION = 7

COLUMNS = (
    ("draw", "payee_kind", "VARCHAR(10) NOT NULL DEFAULT 'personal'"),
    ("draw", "merchant_code", "VARCHAR(4)"),
    ("draw", "gallery_cap_paise", "INTEGER NOT NULL DEFAULT 200000"),
    ("booking", "claimed_utr", "VARCHAR(12)"),
    ("booking", "claimed_at", "{DATETIME}"),
)
INDEXES = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_claimed_utr_open" ON "booking" ("claimed_utr") '
    "WHERE \"state\" IN ('pending', 'expired')",
)


def up(db) -> None:
    """Each column once (a database that has it already, say from a half-recorded upgrade, keeps it)."""
    statements = []
    for table, column, kind in COLUMNS:
        if column not in {c.name for c in db.get_columns(table)}:
            statements.append(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')
    ddl.run(db, statements + list(INDEXES))
