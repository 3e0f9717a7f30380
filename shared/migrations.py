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


def _v4_statements(db):
    """Bank statements imported and their credit rows (by checksum), for reconciliation. A frozen
    copy of the tables as this step made them (later changes to models_statement get their own step)."""
    from peewee import (
        AutoField,
        BooleanField,
        CharField,
        DateField,
        DateTimeField,
        ForeignKeyField,
        IntegerField,
        Model,
        TextField,
    )

    class Frozen(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Draw(Frozen):
        id = AutoField()

    class Payment(Frozen):
        id = AutoField()

    class StatementImport(Frozen):
        id = AutoField()
        draw = ForeignKeyField(Draw, on_delete="RESTRICT")
        file_name = CharField(max_length=255)
        file_sha256 = CharField(max_length=64)
        file_kind = CharField(max_length=8)
        bank = CharField(max_length=40)
        first_day = DateField(null=True)
        last_day = DateField(null=True)
        imported_at = DateTimeField()
        rows = IntegerField(default=0)
        credits = IntegerField(default=0)
        debits = IntegerField(default=0)
        unreadable = IntegerField(default=0)
        new_lines = IntegerField(default=0)
        recorded = IntegerField(default=0)
        confirmed = IntegerField(default=0)

        class Meta:
            table_name = "statement_import"

    class StatementLine(Frozen):
        id = AutoField()
        statement = ForeignKeyField(StatementImport, on_delete="RESTRICT")
        draw = ForeignKeyField(Draw, null=True, on_delete="RESTRICT")
        checksum = CharField(max_length=64, unique=True)
        row_number = IntegerField()
        booked_at = DateTimeField()
        booked_day = DateField()
        timed = BooleanField(default=True)
        amount_paise = IntegerField()
        utr = CharField(max_length=24, null=True, index=True)
        reference = CharField(max_length=60, null=True)
        payer = CharField(max_length=120, null=True)
        payer_vpa = CharField(max_length=260, null=True)
        narration = TextField(default="")
        outcome = CharField(max_length=20)
        payment = ForeignKeyField(Payment, null=True, on_delete="RESTRICT")
        note = TextField(null=True)

        class Meta:
            table_name = "statement_line"
            indexes = ((("draw", "booked_day"), False),)

    db.create_tables([StatementImport, StatementLine], safe=True)


# Append new steps; never edit a released one.
STEPS = [
    (1, _v1_initial),
    (2, _v2_winner_draw),
    (3, _v3_intake),
    (4, _v4_statements),
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
