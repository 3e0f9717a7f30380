"""The tables: draws, their tickets, orders (bookings), payments, the event journal, settings."""

import json

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    TextField,
)

from .db import BaseModel, utcnow
from .fields import TicketListField
from .states import DrawState, OrderState, PayeeKind, PaymentState, TicketState

DRAW_STATES = tuple(DrawState)
TICKET_STATES = tuple(TicketState)
ORDER_STATES = tuple(OrderState)
PAYMENT_STATES = tuple(PaymentState)


class Draw(BaseModel):
    id = AutoField()
    name = CharField(max_length=120)
    ticket_count = IntegerField()
    price_paise = IntegerField()
    payee_vpa = CharField(max_length=260)
    payee_name = CharField(max_length=120)
    hold_minutes = IntegerField(default=10)
    max_per_order = IntegerField(default=20)
    max_pending_per_mobile = IntegerField(default=2)
    late_window_minutes = IntegerField(default=60)
    # personal | merchant; the DEFAULTs in the schema fill the rows of draws older than these settings
    payee_kind = CharField(max_length=10, default=PayeeKind.PERSONAL, constraints=[SQL("DEFAULT 'personal'")])
    merchant_code = CharField(max_length=4, null=True)  # UPI `mc`, used for a merchant payee only
    gallery_cap_paise = IntegerField(default=200_000, constraints=[SQL("DEFAULT 200000")])  # "Save QR" up to this
    # the column defaults fill the draws of older databases (migration step 4)
    max_held_per_client = IntegerField(default=60, constraints=[SQL("DEFAULT 60")])
    max_bookings_per_client_window = IntegerField(default=30, constraints=[SQL("DEFAULT 30")])
    state = CharField(max_length=12, default=DrawState.OPEN, index=True)
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)
    archived_at = DateTimeField(null=True)
    seed = CharField(max_length=64)
    seed_hash = CharField(max_length=64)
    export_path = TextField(null=True)
    # The buyers' clock (shared.draw_zone); the SQL default fills draws made before the column.
    time_zone = CharField(max_length=64, default="Asia/Kolkata", constraints=[SQL("DEFAULT 'Asia/Kolkata'")])
    # The terms and permit line buyers see and the poster prints, and the planned end of sales (naive
    # UTC; informational: sales close when the organiser closes them). Step 10 adds them.
    terms = TextField(null=True)
    closes_at = DateTimeField(null=True)

    @property
    def width(self) -> int:
        return len(str(self.ticket_count))

    def label(self, number: int) -> str:
        return str(number).zfill(self.width)


# Exactly one draw is current: a unique index on a constant over the draws not archived.
Draw.add_index(Draw.index(SQL("(1)"), unique=True, name="draw_one_current").where(Draw.state != DrawState.ARCHIVED))


class Order(BaseModel):
    """A booking. `amount_lock` holds the payable amount while it may still receive money; the
    unique index on (draw, amount_lock) makes a shared payable amount impossible."""

    id = AutoField()
    draw = ForeignKeyField(Draw, backref="orders", on_delete="RESTRICT")
    session_id = CharField(max_length=12, unique=True)
    reference = CharField(max_length=12, unique=True)
    name = CharField(max_length=80)
    mobile = CharField(max_length=10)
    tickets = TicketListField()  # (7, 8, 9), stored "7,8,9" — the numbers booked, never changed
    ticket_count = IntegerField()
    base_paise = IntegerField()
    payable_paise = IntegerField()
    amount_unique = BooleanField(default=True)
    amount_lock = IntegerField(null=True)
    amount_lock_until = DateTimeField(null=True)
    state = CharField(max_length=10, default=OrderState.PENDING)
    source = CharField(max_length=10, default="web")
    client_key = CharField(max_length=64, null=True)  # the web client (IP) that made it; None: console/CLI
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    paid_at = DateTimeField(null=True)
    claimed_utr = CharField(max_length=12, null=True)  # the buyer's claim: a key for matching, never a confirmation
    claimed_at = DateTimeField(null=True)

    class Meta:
        table_name = "booking"
        indexes = (
            (("draw", "amount_lock"), True),
            (("draw", "state", "payable_paise"), False),
            (("state", "expires_at"), False),
            (("draw", "mobile", "state"), False),
            (("draw", "client_key", "created_at"), False),
        )

    @property
    def numbers(self) -> list[int]:
        return list(self.tickets)

    @classmethod
    def create_table(cls, safe=True, **options):
        """The table, and on PostgreSQL the trigger that announces each change (migration step 12)."""
        super().create_table(safe, **options)
        db = getattr(cls._meta.database, "obj", cls._meta.database)
        if isinstance(db, PostgresqlDatabase):
            for statement in BOOKING_CHANGES_SQL:
                db.execute_sql(statement)


# PostgreSQL announces every change to a booking row on a channel of the install's own (the SQL
# expression below, of the schema's name: installs sharing a server never hear each other), the
# booking's session id as the payload ('' when the table was truncated): the web processes' caches
# of polled bookings (shared.status_cache) listen. Migration step 12 creates the same function and
# triggers.
BOOKING_CHANGES_CHANNEL_SQL = "'luckydraw_booking_' || md5(current_schema())"
BOOKING_CHANGES_SQL = (
    """CREATE OR REPLACE FUNCTION "booking_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    channel text := 'luckydraw_booking_' || md5(TG_TABLE_SCHEMA);
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(channel, '');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify(channel, OLD.session_id);
    ELSE
        PERFORM pg_notify(channel, NEW.session_id);
        IF TG_OP = 'UPDATE' AND OLD.session_id IS DISTINCT FROM NEW.session_id THEN
            PERFORM pg_notify(channel, OLD.session_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    'DROP TRIGGER IF EXISTS "booking_changed" ON "booking"',
    'CREATE TRIGGER "booking_changed" AFTER INSERT OR UPDATE OR DELETE ON "booking" '
    'FOR EACH ROW EXECUTE FUNCTION "booking_changed"()',
    'DROP TRIGGER IF EXISTS "booking_truncated" ON "booking"',
    'CREATE TRIGGER "booking_truncated" AFTER TRUNCATE ON "booking" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "booking_changed"()',
)


# A UTR is claimed by one open booking at a time (SPEC §2); the claim transaction checks it too.
CLAIM_INDEX_SQL = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "booking_claimed_utr_open" ON "booking" ("claimed_utr") '
    "WHERE \"state\" IN ('pending', 'expired')"
)
Order.add_index(SQL(CLAIM_INDEX_SQL))
# Rule 0 looks up who handed a UTR in, in any draw and any state (migration step 11).
CLAIMANTS_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "booking_claimed_utr" ON "booking" ("claimed_utr") WHERE "claimed_utr" IS NOT NULL'
)
Order.add_index(SQL(CLAIMANTS_INDEX_SQL))


class Ticket(BaseModel):
    id = AutoField()
    draw = ForeignKeyField(Draw, backref="tickets", on_delete="RESTRICT")
    number = IntegerField()
    state = CharField(max_length=8, default=TicketState.FREE)
    order = ForeignKeyField(Order, null=True, backref="held_tickets", on_delete="RESTRICT")
    held_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("draw", "number"), True), (("draw", "state"), False))


class Payment(BaseModel):
    id = AutoField()
    draw = ForeignKeyField(Draw, backref="payments", on_delete="RESTRICT")
    amount_paise = IntegerField()
    utr = CharField(max_length=24, unique=True)
    utr_missing = BooleanField(default=False)
    reference = CharField(max_length=40, null=True)
    payer = CharField(max_length=120, null=True)
    payer_vpa = CharField(max_length=260, null=True)
    source = CharField(max_length=12, default="manual")
    received_at = DateTimeField(default=utcnow)
    recorded_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default="unmatched", index=True)
    attention_reason = CharField(max_length=40, null=True)
    order = ForeignKeyField(Order, null=True, backref="payments", on_delete="RESTRICT")
    candidate = ForeignKeyField(Order, null=True, backref="attention_payments", on_delete="RESTRICT")
    note = TextField(null=True)

    class Meta:
        indexes = ((("draw", "status"), False),)


class Event(BaseModel):
    """Append-only journal: one row per state change of a draw, order or payment."""

    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    draw = ForeignKeyField(Draw, null=True, on_delete="RESTRICT")
    kind = CharField(max_length=40)
    order = ForeignKeyField(Order, null=True, on_delete="RESTRICT")
    payment = ForeignKeyField(Payment, null=True, on_delete="RESTRICT")
    detail = TextField(default="{}")

    class Meta:
        indexes = ((("draw", "id"), False),)

    @property
    def data(self) -> dict:
        return json.loads(self.detail or "{}")


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=utcnow)


ALL_MODELS = [Draw, Order, Ticket, Payment, Event, Setting, SchemaVersion]


def record_event(kind: str, *, draw=None, order=None, payment=None, at=None, **detail) -> None:
    Event.create(
        kind=kind,
        draw=draw,
        order=order,
        payment=payment,
        at=at or utcnow(),
        detail=json.dumps(detail, default=str, sort_keys=True),
    )
