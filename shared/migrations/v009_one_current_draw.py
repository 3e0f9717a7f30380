"""Version 9: exactly one draw is current, enforced by the database. A unique index on a constant,
partial over the draws that are not archived, admits at most one such draw (SQLite and PostgreSQL
both support partial indexes). A database in which a race left several draws open keeps the newest
as current and archives the others first (journalled; nothing is deleted)."""

import json
from datetime import datetime, timezone

from . import ddl

VERSION = 9

INDEX = """CREATE UNIQUE INDEX IF NOT EXISTS "draw_one_current" ON "draw" ((1)) WHERE ("state" != 'archived')"""


def up(db) -> None:
    param = "%s" if ddl.dialect(db) == "postgres" else "?"
    extra = db.execute_sql(
        """SELECT "id" FROM "draw" WHERE "state" != 'archived' AND "id" <> """
        """(SELECT MAX("id") FROM "draw" WHERE "state" != 'archived') ORDER BY "id" """
    ).fetchall()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    detail = json.dumps({"reason": "another draw is current", "cancelled_pending": 0})
    for (draw_id,) in extra:
        db.execute_sql(
            f"""UPDATE "draw" SET "state" = 'archived', "archived_at" = {param} WHERE "id" = {param}""", (now, draw_id)
        )
        db.execute_sql(
            f"""INSERT INTO "event" ("at", "draw_id", "kind", "detail") """
            f"""VALUES ({param}, {param}, 'draw_archived', {param})""",
            (now, draw_id, detail),
        )
    ddl.run(db, [INDEX])
