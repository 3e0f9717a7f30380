"""What the console shows: the read model of `shared.dashboard` (one refresh as a frozen
`Snapshot` of plain values, the bookings and payments its dialogs search), and small formatting
helpers that turn naive-UTC times into the organiser's local time and ticket numbers into labels.
"""

from datetime import datetime, timedelta, timezone

from shared.dashboard import (
    PAYMENTS_LIMIT,
    PENDING_LIMIT,
    SALES_BUCKETS,
    BookingRow,
    DrawInfo,
    PaymentRow,
    PendingRow,
    Snapshot,
    draw_info,
    list_draw_infos,
    open_payments,
    recent_payments,
    sales_buckets_since,
    search_bookings,
    take_snapshot,
)

__all__ = [
    "PAYMENTS_LIMIT",
    "PENDING_LIMIT",
    "SALES_BUCKETS",
    "BookingRow",
    "DrawInfo",
    "PaymentRow",
    "PendingRow",
    "Snapshot",
    "draw_info",
    "list_draw_infos",
    "local_time",
    "open_payments",
    "recent_payments",
    "sales_buckets_since",
    "search_bookings",
    "seconds_until",
    "take_snapshot",
    "ticket_labels",
    "time_left",
]

# Presentation helpers (pure) ----------------------------------------------------------------


def local_time(moment: datetime | None, fmt: str = "%H:%M:%S") -> str:
    """A naive-UTC time as the organiser's local clock shows it."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone().strftime(fmt)


def time_left(expires_at: datetime, now: datetime) -> str:
    """'9:58' until a hold ends, '0:00' once it has."""
    seconds = max(int((expires_at - now).total_seconds()), 0)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def ticket_labels(numbers, width: int, limit: int = 0) -> str:
    """'007, 008, 009'; with `limit`, at most that many characters ('007, 008 +3')."""
    labels = [str(n).zfill(width) for n in numbers]
    text = ", ".join(labels)
    if not limit or len(text) <= limit:
        return text
    shown = []
    for count, label in enumerate(labels):
        rest = len(labels) - count
        candidate = ", ".join(shown + [label])
        if len(candidate) + len(f" +{rest - 1}") > limit:
            break
        shown.append(label)
    return f"{', '.join(shown)} +{len(labels) - len(shown)}"


def seconds_until(moment: datetime, now: datetime) -> float:
    return (moment - now) / timedelta(seconds=1)
