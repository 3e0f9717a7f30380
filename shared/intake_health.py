"""The health of the automatic payment sources: when the SMS forwarder and Razorpay last delivered,
and a warning when one has gone quiet while buyers wait.

Forwarder apps on a phone stop without a word (battery saver, a revoked permission, no data).
A source is *silent* when it is turned on, bookings are pending, and nothing signed has arrived
from it for the set time (a setting, default 10 minutes), counted from its last delivery or, when
it never delivered, from when it was turned on. Only signed messages count: a stranger's unsigned
posts say nothing about the organiser's phone.
"""

from dataclasses import dataclass
from datetime import datetime

from .db import utcnow, write_tx
from .draws import current_draw
from .errors import InvalidInput
from .hook_settings import hook_settings
from .models import Order, Setting
from .models_intake import SOURCES, InboxMessage

SILENCE_KEY = "hooks.silence_minutes"
DEFAULT_SILENCE_MINUTES = 10
LABELS = {"sms": "SMS forwarder", "razorpay": "Razorpay"}
ADVICE = {"sms": "check the phone", "razorpay": "check the webhook in Razorpay's dashboard"}


@dataclass(frozen=True)
class SourceHealth:
    source: str
    label: str
    enabled: bool
    enabled_at: datetime | None
    last_delivered_at: datetime | None
    quiet_minutes: int | None  # since the last delivery (or since it was turned on); None when off
    warning: str | None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def silence_minutes() -> int:
    row = Setting.get_or_none(Setting.key == SILENCE_KEY)
    try:
        return max(1, int(row.value)) if row else DEFAULT_SILENCE_MINUTES
    except ValueError:
        return DEFAULT_SILENCE_MINUTES


def set_silence_minutes(minutes) -> int:
    """How long a source may stay quiet while bookings are pending before the console warns."""
    try:
        value = int(str(minutes).strip())
    except ValueError:
        raise InvalidInput(f"'{str(minutes)[:20]}' is not a number of minutes.") from None
    if not 1 <= value <= 24 * 60:
        raise InvalidInput("The silence warning needs 1 to 1,440 minutes.")
    with write_tx():
        Setting.delete().where(Setting.key == SILENCE_KEY).execute()
        Setting.create(key=SILENCE_KEY, value=str(value))
    return value


def last_delivery(source: str) -> datetime | None:
    row = (
        InboxMessage.select(InboxMessage.received_at)
        .where((InboxMessage.source == source) & (InboxMessage.authenticated == True))  # noqa: E712
        .order_by(InboxMessage.id.desc())
        .limit(1)
        .first()
    )
    return row.received_at if row else None


def _bookings_pending(now: datetime) -> bool:
    draw = current_draw(required=False)
    if draw is None:
        return False
    return (
        Order.select().where((Order.draw == draw.id) & (Order.state == "pending") & (Order.expires_at > now)).exists()
    )


def source_health(now: datetime | None = None) -> list[SourceHealth]:
    now = now or utcnow()
    limit = silence_minutes()
    pending = None
    result = []
    for source in SOURCES:
        settings = hook_settings(source)
        last = last_delivery(source)
        warning = quiet = None
        if settings.enabled:
            since = (
                max(d for d in (last, settings.enabled_at) if d is not None) if (last or settings.enabled_at) else None
            )
            quiet = int((now - since).total_seconds() // 60) if since else None
            if quiet is not None and quiet >= limit:
                pending = _bookings_pending(now) if pending is None else pending
                if pending:
                    warning = f"{LABELS[source]} silent for {quiet} min — {ADVICE[source]}"
                    if last is None or (settings.enabled_at is not None and last < settings.enabled_at):
                        warning = (
                            f"{LABELS[source]} silent for {quiet} min (nothing since it was turned on) — "
                            f"{ADVICE[source]}"
                        )
        result.append(SourceHealth(source, LABELS[source], settings.enabled, settings.enabled_at, last, quiet, warning))
    return result


def health_warnings(now: datetime | None = None) -> list[str]:
    return [h.warning for h in source_health(now) if h.warning]
