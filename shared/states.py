"""The states of draws, tickets, orders and payments, as string enums: the stored values and the
JSON stay the same strings ("pending", "paid", …), and a typo becomes an AttributeError."""

from enum import StrEnum


class DrawState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    DRAWN = "drawn"
    ARCHIVED = "archived"


class TicketState(StrEnum):
    FREE = "free"
    HELD = "held"
    SOLD = "sold"


class OrderState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PaymentState(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    ATTENTION = "attention"
    REFUNDED = "refunded"


# A draw still selling or waiting for its winners: bookings may still be confirmed.
SELLING = (DrawState.OPEN, DrawState.CLOSED)
