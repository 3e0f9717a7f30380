"""Version 3, as released: the inbox of automatic payment intake (SMS forwarder, Razorpay) and the
keys of messages already handled. Frozen: never edit this step."""

from . import ddl

VERSION = 3

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "inbox_message" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"source" VARCHAR(12) NOT NULL, '
    '"received_at" {DATETIME} NOT NULL, '
    '"remote" VARCHAR(64), '
    '"authenticated" {BOOL} NOT NULL, '
    '"expendable" {BOOL} NOT NULL, '
    '"headers" TEXT NOT NULL, '
    '"body" {BLOB} NOT NULL, '
    '"body_bytes" INTEGER NOT NULL, '
    '"body_sha256" VARCHAR(64) NOT NULL, '
    '"truncated" {BOOL} NOT NULL, '
    '"sender" VARCHAR(40), '
    '"event_id" VARCHAR(80), '
    '"event_type" VARCHAR(40), '
    '"external_id" VARCHAR(40), '
    '"sent_at" {DATETIME}, '
    '"amount_paise" INTEGER, '
    '"utr" VARCHAR(24), '
    '"outcome" VARCHAR(20) NOT NULL, '
    '"match_outcome" VARCHAR(20), '
    '"reason" TEXT, '
    '"payment_id" INTEGER, '
    '"processed_at" {DATETIME}, '
    'FOREIGN KEY ("payment_id") REFERENCES "payment" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "inbox_message_payment_id" ON "inbox_message" ("payment_id")',
    'CREATE INDEX IF NOT EXISTS "inbox_message_source_id" ON "inbox_message" ("source", "id")',
    'CREATE INDEX IF NOT EXISTS "inbox_message_outcome_id" ON "inbox_message" ("outcome", "id")',
    'CREATE INDEX IF NOT EXISTS "inbox_message_expendable_id" ON "inbox_message" ("expendable", "id")',
    'CREATE INDEX IF NOT EXISTS "inbox_message_source_body_sha256" ON "inbox_message" ("source", "body_sha256")',
    'CREATE TABLE IF NOT EXISTS "inbox_key" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"source" VARCHAR(12) NOT NULL, '
    '"key" VARCHAR(120) NOT NULL, '
    '"message_id" INTEGER NOT NULL, '
    '"created_at" {DATETIME} NOT NULL, '
    'FOREIGN KEY ("message_id") REFERENCES "inbox_message" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "inbox_key_message_id" ON "inbox_key" ("message_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "inbox_key_source_key" ON "inbox_key" ("source", "key")',
)


def up(db) -> None:
    ddl.run(db, STATEMENTS)
