"""Version 4: bank statements imported and their credit rows (by checksum), for reconciliation.

The tables as this step made them, as frozen copies of the models built inside the step (later
changes to shared/models_statement.py get a step of their own)."""

VERSION = 4


def up(db) -> None:
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
