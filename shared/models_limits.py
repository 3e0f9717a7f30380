"""The table of shared rate-limit buckets (one row per limited key, see shared.rate_buckets)."""

from peewee import BooleanField, CharField, DoubleField

from .db import BaseModel


class RateBucket(BaseModel):
    """A token bucket: `tokens` left at time `at` (seconds since the epoch); `full_at` is when it
    will have refilled (after that the row may be deleted); `allowed` tells whether the last hit
    was let through."""

    key = CharField(max_length=200, primary_key=True)
    tokens = DoubleField()
    at = DoubleField()
    full_at = DoubleField(index=True)
    allowed = BooleanField()

    class Meta:
        table_name = "rate_bucket"
