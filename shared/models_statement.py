"""The tables of bank-statement reconciliation: each statement file imported (with its period and
what became of its rows), and each credit row of it, kept by a checksum of its content so that
importing the same rows again (the same file, or a longer statement that overlaps it) changes nothing."""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel, utcnow
from .models import Draw, Payment

# What became of a credit row.
RECORDED = "recorded"  # a new payment (source statement) went through matching
ALREADY_RECORDED = "already_recorded"  # its UTR was recorded before (SMS, console, hook, a statement)
QUICK_MARK = "quick_mark"  # no UTR recorded, but it is the money of a quick mark of that amount
OTHER_DRAW = "other_draw"  # dated in an earlier draw's period: not recorded in the current draw
REVERSAL = "reversal"  # the bank's own reversal (REV-UPI…), not a buyer's payment
REVERSED = "reversed"  # credited and taken back by a debit of the same UTR in the statement
LINE_OUTCOMES = (RECORDED, ALREADY_RECORDED, QUICK_MARK, OTHER_DRAW, REVERSAL, REVERSED)


class StatementImport(BaseModel):
    id = AutoField()
    draw = ForeignKeyField(Draw, backref="statement_imports", on_delete="RESTRICT")
    file_name = CharField(max_length=255)
    file_sha256 = CharField(max_length=64)
    file_kind = CharField(max_length=8)
    bank = CharField(max_length=40)
    first_day = DateField(null=True)  # the statement's period, India dates
    last_day = DateField(null=True)
    imported_at = DateTimeField(default=utcnow)
    rows = IntegerField(default=0)
    credits = IntegerField(default=0)
    debits = IntegerField(default=0)
    unreadable = IntegerField(default=0)
    new_lines = IntegerField(default=0)  # credit rows not seen in an earlier import
    recorded = IntegerField(default=0)  # new payments
    confirmed = IntegerField(default=0)  # bookings they confirmed

    class Meta:
        table_name = "statement_import"


class StatementLine(BaseModel):
    """One credit row of a statement, stored the first time it is seen."""

    id = AutoField()
    statement = ForeignKeyField(StatementImport, backref="lines", on_delete="RESTRICT")
    draw = ForeignKeyField(Draw, null=True, on_delete="RESTRICT")  # the draw whose period it falls in
    checksum = CharField(max_length=64, unique=True)
    row_number = IntegerField()
    booked_at = DateTimeField()  # UTC; 00:00 India time for a date-only row
    booked_day = DateField()
    timed = BooleanField(default=True)
    amount_paise = IntegerField()
    utr = CharField(max_length=24, null=True, index=True)
    reference = CharField(max_length=60, null=True)
    payer = CharField(max_length=120, null=True)
    payer_vpa = CharField(max_length=260, null=True)
    narration = TextField(default="")
    outcome = CharField(max_length=20)
    payment = ForeignKeyField(Payment, null=True, backref="statement_lines", on_delete="RESTRICT")
    note = TextField(null=True)

    class Meta:
        table_name = "statement_line"
        indexes = ((("draw", "booked_day"), False),)


STATEMENT_MODELS = [StatementImport, StatementLine]
