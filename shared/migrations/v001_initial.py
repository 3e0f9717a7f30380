"""Version 1, as released: draws, their tickets, bookings, payments, the event journal, settings
and the schema version table. Frozen: never edit this step."""

from . import ddl

VERSION = 1

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "draw" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"name" VARCHAR(120) NOT NULL, '
    '"ticket_count" INTEGER NOT NULL, '
    '"price_paise" INTEGER NOT NULL, '
    '"payee_vpa" VARCHAR(260) NOT NULL, '
    '"payee_name" VARCHAR(120) NOT NULL, '
    '"hold_minutes" INTEGER NOT NULL, '
    '"max_per_order" INTEGER NOT NULL, '
    '"max_pending_per_mobile" INTEGER NOT NULL, '
    '"late_window_minutes" INTEGER NOT NULL, '
    '"state" VARCHAR(12) NOT NULL, '
    '"created_at" {DATETIME} NOT NULL, '
    '"closed_at" {DATETIME}, '
    '"archived_at" {DATETIME}, '
    '"seed" VARCHAR(64) NOT NULL, '
    '"seed_hash" VARCHAR(64) NOT NULL, '
    '"export_path" TEXT'
    ")",
    'CREATE INDEX IF NOT EXISTS "draw_state" ON "draw" ("state")',
    'CREATE TABLE IF NOT EXISTS "booking" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"draw_id" INTEGER NOT NULL, '
    '"session_id" VARCHAR(12) NOT NULL, '
    '"reference" VARCHAR(12) NOT NULL, '
    '"name" VARCHAR(80) NOT NULL, '
    '"mobile" VARCHAR(10) NOT NULL, '
    '"tickets" TEXT NOT NULL, '
    '"ticket_count" INTEGER NOT NULL, '
    '"base_paise" INTEGER NOT NULL, '
    '"payable_paise" INTEGER NOT NULL, '
    '"amount_unique" {BOOL} NOT NULL, '
    '"amount_lock" INTEGER, '
    '"amount_lock_until" {DATETIME}, '
    '"state" VARCHAR(10) NOT NULL, '
    '"source" VARCHAR(10) NOT NULL, '
    '"created_at" {DATETIME} NOT NULL, '
    '"expires_at" {DATETIME} NOT NULL, '
    '"ended_at" {DATETIME}, '
    '"paid_at" {DATETIME}, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "booking_draw_id" ON "booking" ("draw_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_session_id" ON "booking" ("session_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_reference" ON "booking" ("reference")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_draw_id_amount_lock" ON "booking" ("draw_id", "amount_lock")',
    'CREATE INDEX IF NOT EXISTS "booking_draw_id_state_payable_paise" '
    'ON "booking" ("draw_id", "state", "payable_paise")',
    'CREATE INDEX IF NOT EXISTS "booking_state_expires_at" ON "booking" ("state", "expires_at")',
    'CREATE INDEX IF NOT EXISTS "booking_draw_id_mobile_state" ON "booking" ("draw_id", "mobile", "state")',
    'CREATE TABLE IF NOT EXISTS "payment" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"draw_id" INTEGER NOT NULL, '
    '"amount_paise" INTEGER NOT NULL, '
    '"utr" VARCHAR(24) NOT NULL, '
    '"utr_missing" {BOOL} NOT NULL, '
    '"reference" VARCHAR(40), '
    '"payer" VARCHAR(120), '
    '"payer_vpa" VARCHAR(260), '
    '"source" VARCHAR(12) NOT NULL, '
    '"received_at" {DATETIME} NOT NULL, '
    '"recorded_at" {DATETIME} NOT NULL, '
    '"status" VARCHAR(10) NOT NULL, '
    '"attention_reason" VARCHAR(40), '
    '"order_id" INTEGER, '
    '"candidate_id" INTEGER, '
    '"note" TEXT, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("order_id") REFERENCES "booking" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("candidate_id") REFERENCES "booking" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "payment_draw_id" ON "payment" ("draw_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "payment_utr" ON "payment" ("utr")',
    'CREATE INDEX IF NOT EXISTS "payment_status" ON "payment" ("status")',
    'CREATE INDEX IF NOT EXISTS "payment_order_id" ON "payment" ("order_id")',
    'CREATE INDEX IF NOT EXISTS "payment_candidate_id" ON "payment" ("candidate_id")',
    'CREATE INDEX IF NOT EXISTS "payment_draw_id_status" ON "payment" ("draw_id", "status")',
    'CREATE TABLE IF NOT EXISTS "event" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"at" {DATETIME} NOT NULL, '
    '"draw_id" INTEGER, '
    '"kind" VARCHAR(40) NOT NULL, '
    '"order_id" INTEGER, '
    '"payment_id" INTEGER, '
    '"detail" TEXT NOT NULL, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("order_id") REFERENCES "booking" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("payment_id") REFERENCES "payment" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "event_at" ON "event" ("at")',
    'CREATE INDEX IF NOT EXISTS "event_draw_id" ON "event" ("draw_id")',
    'CREATE INDEX IF NOT EXISTS "event_order_id" ON "event" ("order_id")',
    'CREATE INDEX IF NOT EXISTS "event_payment_id" ON "event" ("payment_id")',
    'CREATE INDEX IF NOT EXISTS "event_draw_id_id" ON "event" ("draw_id", "id")',
    'CREATE TABLE IF NOT EXISTS "schema_version" ('
    '"version" INTEGER NOT NULL PRIMARY KEY, '
    '"applied_at" {DATETIME} NOT NULL'
    ")",
    'CREATE TABLE IF NOT EXISTS "setting" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)',
    'CREATE TABLE IF NOT EXISTS "ticket" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"draw_id" INTEGER NOT NULL, '
    '"number" INTEGER NOT NULL, '
    '"state" VARCHAR(8) NOT NULL, '
    '"order_id" INTEGER, '
    '"held_until" {DATETIME}, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("order_id") REFERENCES "booking" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "ticket_draw_id" ON "ticket" ("draw_id")',
    'CREATE INDEX IF NOT EXISTS "ticket_order_id" ON "ticket" ("order_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "ticket_draw_id_number" ON "ticket" ("draw_id", "number")',
    'CREATE INDEX IF NOT EXISTS "ticket_draw_id_state" ON "ticket" ("draw_id", "state")',
)


def up(db) -> None:
    ddl.run(db, STATEMENTS)
