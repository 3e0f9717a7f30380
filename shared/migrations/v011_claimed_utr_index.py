"""Version 11: an index on the UTR a buyer handed in, over every booking that has one (partial:
most bookings never claim), so matching rule 0 finds the claimants of a payment's UTR in any draw
and any state without reading every booking. Frozen once released: never edit this step."""

from . import ddl

VERSION = 11

INDEX = 'CREATE INDEX IF NOT EXISTS "booking_claimed_utr" ON "booking" ("claimed_utr") WHERE "claimed_utr" IS NOT NULL'


def up(db) -> None:
    ddl.run(db, [INDEX])
