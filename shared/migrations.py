"""Schema versions: each step brings an older database forward without losing an organiser's data."""

from .models import ALL_MODELS, SchemaVersion


def _v1_initial(db):
    db.create_tables(ALL_MODELS, safe=True)


def _v2_winner_draw(db):
    """Prizes, the announcement and frozen inputs of a draw, drawings and their winners."""
    from .models_winners import DRAW_MODELS

    db.create_tables(DRAW_MODELS, safe=True)


def _v3_intake(db):
    """The inbox of automatic payment intake (SMS forwarder, Razorpay) and its dedupe keys."""
    from .models_intake import INTAKE_MODELS

    db.create_tables(INTAKE_MODELS, safe=True)


# Append new steps; never edit a released one.
STEPS = [
    (1, _v1_initial),
    (2, _v2_winner_draw),
    (3, _v3_intake),
]

CURRENT_VERSION = STEPS[-1][0]


def current_version(db) -> int:
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(SchemaVersion.version).order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate(db) -> int:
    """Apply every step newer than the database's version; returns the version reached."""
    from .db import write_tx

    with write_tx():
        version = current_version(db)
        for number, step in STEPS:
            if number > version:
                step(db)
                SchemaVersion.create(version=number)
                version = number
    return version
