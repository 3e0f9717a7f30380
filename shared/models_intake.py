"""The tables of automatic payment intake: the inbox (every message an SMS forwarder or Razorpay
posted, stored raw before it is read, with what became of it) and the memory of message keys
already handled (so a retried or replayed message changes nothing)."""

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel, utcnow
from .models import Payment

SOURCES = ("sms", "razorpay")

# What became of a message. "received" means stored but not (yet) processed.
RECEIVED = "received"
RECORDED_MATCHED = "recorded_matched"  # a payment was recorded and confirmed a booking
RECORDED_UNMATCHED = "recorded_unmatched"  # a payment was recorded; unmatched or needs attention
DUPLICATE = "duplicate"  # same UTR, event or payment seen before: nothing changed
REJECTED = "rejected"  # not accepted; `reason` says why
IGNORED = "ignored"  # authentic, but not about money received (other events)
OUTCOMES = (RECEIVED, RECORDED_MATCHED, RECORDED_UNMATCHED, DUPLICATE, REJECTED, IGNORED)


class InboxMessage(BaseModel):
    id = AutoField()
    source = CharField(max_length=12)
    received_at = DateTimeField(default=utcnow)
    remote = CharField(max_length=64, null=True)
    authenticated = BooleanField(default=False)  # the signature checked out
    expendable = BooleanField(default=False)  # unsigned, stale or a repeat: kept bounded
    headers = TextField(default="{}")  # the headers that matter, as JSON
    body = BlobField()  # the bytes as received (cut to 2 KiB if expendable)
    body_bytes = IntegerField()  # size of the whole body
    body_sha256 = CharField(max_length=64)
    truncated = BooleanField(default=False)
    sender = CharField(max_length=40, null=True)  # SMS sender id, or "razorpay"
    event_id = CharField(max_length=80, null=True)  # x-razorpay-event-id, or the SMS signature
    event_type = CharField(max_length=40, null=True)  # e.g. payment.captured
    external_id = CharField(max_length=40, null=True)  # e.g. Razorpay's pay_… id
    sent_at = DateTimeField(null=True)
    amount_paise = IntegerField(null=True)
    utr = CharField(max_length=24, null=True)
    outcome = CharField(max_length=20, default=RECEIVED)
    match_outcome = CharField(max_length=20, null=True)  # payments.MatchResult.outcome
    reason = TextField(null=True)
    payment = ForeignKeyField(Payment, null=True, backref="inbox_messages", on_delete="RESTRICT")
    processed_at = DateTimeField(null=True)

    class Meta:
        table_name = "inbox_message"
        indexes = (
            (("source", "id"), False),
            (("outcome", "id"), False),
            (("expendable", "id"), False),
            (("source", "body_sha256"), False),
        )

    @property
    def text(self) -> str:
        """The body as text (bytes that are not UTF-8 are shown as �)."""
        return bytes(self.body or b"").decode("utf-8", errors="replace")


class InboxKey(BaseModel):
    """One row per key of a message that was handled to the end: `sig:<hex>` (an SMS request),
    `event:<id>` and `payment:<id>` (Razorpay). Unique per source."""

    id = AutoField()
    source = CharField(max_length=12)
    key = CharField(max_length=120)
    message = ForeignKeyField(InboxMessage, backref="keys", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "inbox_key"
        indexes = ((("source", "key"), True),)


INTAKE_MODELS = [InboxMessage, InboxKey]
