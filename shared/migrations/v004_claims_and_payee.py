"""Version 4: the buyer's UTR claim on a booking (claimed_utr, claimed_at, unique among open
bookings) and the draw's payee settings (payee kind, merchant category code, gallery-QR cap).
Frozen once released: never edit this step."""

from . import ddl

VERSION = 4

STATEMENTS = (
    'ALTER TABLE "draw" ADD COLUMN "payee_kind" VARCHAR(10) NOT NULL DEFAULT \'personal\'',
    'ALTER TABLE "draw" ADD COLUMN "merchant_code" VARCHAR(4)',
    'ALTER TABLE "draw" ADD COLUMN "gallery_cap_paise" INTEGER NOT NULL DEFAULT 200000',
    'ALTER TABLE "booking" ADD COLUMN "claimed_utr" VARCHAR(12)',
    'ALTER TABLE "booking" ADD COLUMN "claimed_at" {DATETIME}',
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_claimed_utr_open" ON "booking" ("claimed_utr") '
    "WHERE \"state\" IN ('pending', 'expired')",
)


def up(db) -> None:
    ddl.run(db, STATEMENTS)
