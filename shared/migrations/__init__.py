"""Schema versions: the steps that bring any older database forward without losing an organiser's data.

`STEPS` lists every step, oldest first. A step is a module of this package holding

    VERSION = 4                      # the next whole number after the last step
    def up(db) -> None: ...          # the change, for SQLite and PostgreSQL

and `migrate(db)` applies, in one write transaction, every step newer than the version recorded in
the database's `schema_version` table, recording each. A fresh database and an upgraded one run the
same steps, so they end with the same schema.

A released step is frozen: it is plain DDL of the schema as it was released and never imports the
model classes of today (they change; the step must not). Never edit a released step, not even
to fix a typo in a column: add a step that changes it.

Adding step 4 (say, a `note` column on `ticket`):

1. Change the model (`shared/models*.py`): `note = TextField(null=True)`.
2. Write `shared/migrations/v004_ticket_note.py`::

       '''Tickets carry the organiser's note.'''
       from peewee import TextField
       from playhouse.migrate import SchemaMigrator, migrate

       VERSION = 4

       def up(db):
           migrator = SchemaMigrator.from_database(db)
           migrate(migrator.add_column("ticket", "note", TextField(null=True)))

   Field objects built inside the step describe the column as of this step (never import today's
   models). Plain DDL works too: `ddl.run(db, ['ALTER TABLE "ticket" ADD COLUMN "note" TEXT'])`,
   with the `{AUTO}`, `{DATETIME}`, `{BOOL}` and `{BLOB}` type names of `ddl.py` where the two
   databases differ. A NOT NULL column on a table that has rows needs a value for them: give the
   field a `default=` (playhouse.migrate fills the rows, then sets NOT NULL).
3. Append the module to `STEPS` below.
4. Run `pytest tests/test_migrations.py` with LUCKYDRAW_TEST_POSTGRES_URL set: it upgrades a
   database of every earlier version, and the released database in tests/fixtures/, and compares
   the result with what today's models create, on both databases; it names every column, index or
   constraint that differs.
"""

from . import (
    v001_initial,
    v002_winner_draw,
    v003_intake,
    v004_statements,
    v005_rate_bucket,
    v006_draw_time_zone,
    v007_claims_and_payee,
    v008_client_holds,
    v009_one_current_draw,
    v010_draw_terms,
    v011_claimed_utr_index,
    v012_booking_notify,
)
from .runner import SchemaTooNew, check_steps, current_version, upgrade

# Append new steps; never edit or reorder a released one.
STEPS = (
    v001_initial,
    v002_winner_draw,
    v003_intake,
    v004_statements,
    v005_rate_bucket,
    v006_draw_time_zone,
    v007_claims_and_payee,
    v008_client_holds,
    v009_one_current_draw,
    v010_draw_terms,
    v011_claimed_utr_index,
    v012_booking_notify,
)

check_steps(STEPS)
CURRENT_VERSION = STEPS[-1].VERSION

__all__ = ["CURRENT_VERSION", "STEPS", "SchemaTooNew", "current_version", "migrate"]


def migrate(db, target: int | None = None) -> int:
    """Apply every step newer than the database's version (up to `target`, default the newest);
    returns the version reached."""
    return upgrade(db, STEPS, CURRENT_VERSION if target is None else target)
