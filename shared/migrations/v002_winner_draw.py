"""Version 2, as released: the winner draw's tables (prizes, what was announced and frozen for a
draw, drawings and their winners). Frozen: never edit this step."""

from . import ddl

VERSION = 2

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "drawing" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"draw_id" INTEGER NOT NULL, '
    '"number" INTEGER NOT NULL, '
    '"prizes" TEXT NOT NULL, '
    '"reason" TEXT NOT NULL, '
    '"drawn_at" {DATETIME} NOT NULL, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "drawing_draw_id" ON "drawing" ("draw_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "drawing_draw_id_number" ON "drawing" ("draw_id", "number")',
    'CREATE TABLE IF NOT EXISTS "drawing_winner" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"drawing_id" INTEGER NOT NULL, '
    '"prize_index" INTEGER NOT NULL, '
    '"prize" VARCHAR(80) NOT NULL, '
    '"ticket" INTEGER NOT NULL, '
    '"counter" INTEGER NOT NULL, '
    '"order_id" INTEGER, '
    '"public_name" VARCHAR(40) NOT NULL, '
    'FOREIGN KEY ("drawing_id") REFERENCES "drawing" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("order_id") REFERENCES "booking" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "drawing_winner_drawing_id" ON "drawing_winner" ("drawing_id")',
    'CREATE INDEX IF NOT EXISTS "drawing_winner_order_id" ON "drawing_winner" ("order_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "drawing_winner_drawing_id_prize_index" '
    'ON "drawing_winner" ("drawing_id", "prize_index")',
    'CREATE TABLE IF NOT EXISTS "draw_result_meta" ('
    '"draw_id" INTEGER NOT NULL PRIMARY KEY, '
    '"announcement" TEXT, '
    '"announced_at" {DATETIME}, '
    '"one_prize_per_buyer" {BOOL} NOT NULL, '
    '"public_value" TEXT, '
    '"sold" TEXT, '
    '"list_hash" VARCHAR(64), '
    '"owners" TEXT, '
    '"last_sale_at" {DATETIME}, '
    '"drawn_at" {DATETIME}, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE TABLE IF NOT EXISTS "prize" ('
    '"id" {AUTO} NOT NULL PRIMARY KEY, '
    '"draw_id" INTEGER NOT NULL, '
    '"position" INTEGER NOT NULL, '
    '"name" VARCHAR(80) NOT NULL, '
    'FOREIGN KEY ("draw_id") REFERENCES "draw" ("id") ON DELETE RESTRICT'
    ")",
    'CREATE INDEX IF NOT EXISTS "prize_draw_id" ON "prize" ("draw_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "prize_draw_id_position" ON "prize" ("draw_id", "position")',
)


def up(db) -> None:
    ddl.run(db, STATEMENTS)
