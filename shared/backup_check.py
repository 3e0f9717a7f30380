"""`python -m shared.backup_check FILE`: what a SQLite backup holds and whether it is sound, as one
line of JSON (integrity check, schema version, reconciliation of every draw). Run by
shared.backup in a separate process so the caller's own database connection is never touched."""

import json
import sqlite3
import sys
import tempfile

from peewee import fn

from . import db as shared_db
from . import setup
from .migrations import CURRENT_VERSION, current_version
from .models import Draw, Order, Payment
from .states import DrawState
from .stats import reconcile


def summary(path: str) -> dict:
    problems: list[str] = []
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = [row[0] for row in raw.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            problems.append("integrity check: " + "; ".join(verdict[:3]))
        has_versions = raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        return {"draw": "?", "bookings": 0, "payments": 0, "newest_payment": None, "problems": [str(exc)]}
    finally:
        raw.close()
    if problems or not has_versions:
        return {
            "draw": "?",
            "bookings": 0,
            "payments": 0,
            "newest_payment": None,
            "problems": problems or ["not a Lucky Draw database (no schema_version table)"],
        }

    with tempfile.TemporaryDirectory(prefix="luckydraw-check-") as folder:
        # Checked on a scratch copy (brought up to this version's schema if it is older), so the
        # file itself is only ever read.
        scratch = f"{folder}/copy.db"
        shared_db.copy_sqlite(path, scratch)
        database = setup.connect(scratch, create=False)
        try:
            version = current_version(database)
            if version > CURRENT_VERSION:
                problems.append(f"made by a newer Lucky Draw (schema {version}, this one knows {CURRENT_VERSION})")
                return {"draw": "?", "bookings": 0, "payments": 0, "newest_payment": None, "problems": problems}
            if version < CURRENT_VERSION:
                setup.connect(scratch)
            return connected_summary(problems)
        finally:
            shared_db.close()


def connected_summary(problems: list[str] | None = None) -> dict:
    """What the connected database holds (its current draw, bookings, payments, newest payment)
    and the reconciliation problems of every draw, added to `problems`."""
    problems = list(problems or [])
    for draw in Draw.select():
        problems.extend(f"draw #{draw.id}: {p}" for p in reconcile(draw.id).problems)
    draw = Draw.select().where(Draw.state != DrawState.ARCHIVED).order_by(Draw.id.desc()).first()
    newest = Payment.select(fn.MAX(Payment.received_at)).scalar()
    return {
        "draw": f"#{draw.id} {draw.name} ({draw.state})" if draw else "no draw",
        "bookings": Order.select().where(Order.draw == draw.id).count() if draw else 0,
        "payments": Payment.select().where(Payment.draw == draw.id).count() if draw else 0,
        "newest_payment": str(newest)[:19] if newest else None,
        "problems": problems,
    }


if __name__ == "__main__":
    print(json.dumps(summary(sys.argv[1])))
