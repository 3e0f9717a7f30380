"""The console's side of automatic payment intake: the hooks' secrets in the Setting table
(turning the SMS-forwarder and Razorpay hooks on and off, the forwarder's setup blob) and the
inbox of messages they received, with what became of each. `shared.intake` receives the messages
and re-exports everything here, so front ends need only that one module."""

import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from peewee import JOIN, fn

from .db import utcnow, write_tx
from .errors import Conflict, InvalidInput, NotFound
from .models import Order, Payment, Setting
from .models_intake import RECEIVED, REJECTED, SOURCES, InboxMessage

PATHS = {"sms": "/hooks/sms", "razorpay": "/hooks/razorpay"}


@dataclass(frozen=True)
class HookSettings:
    source: str
    enabled: bool
    secret: str | None
    path: str
    enabled_at: datetime | None


def _key(source: str, what: str) -> str:
    return f"hooks.{source}.{what}"


def hook_secret(source: str) -> str | None:
    """The secret of a hook, or None when that hook is off (or the source unknown)."""
    if source not in SOURCES:
        return None
    row = Setting.get_or_none(Setting.key == _key(source, "secret"))
    return row.value if row and row.value else None


def hook_settings(source: str) -> HookSettings:
    if source not in SOURCES:
        raise NotFound(f"There is no '{source}' hook; the hooks are {', '.join(SOURCES)}.")
    values = {
        row.key: row.value
        for row in Setting.select().where(Setting.key.in_([_key(source, "secret"), _key(source, "enabled_at")]))
    }
    secret = values.get(_key(source, "secret")) or None
    since = values.get(_key(source, "enabled_at"))
    return HookSettings(
        source, secret is not None, secret, PATHS[source], datetime.fromisoformat(since) if secret and since else None
    )


def sms_hook_settings() -> HookSettings:
    return hook_settings("sms")


def razorpay_hook_settings() -> HookSettings:
    return hook_settings("razorpay")


def _save(source: str, secret: str | None, now: datetime | None) -> None:
    with write_tx():
        Setting.delete().where(Setting.key.in_([_key(source, "secret"), _key(source, "enabled_at")])).execute()
        if secret is not None:
            Setting.create(key=_key(source, "secret"), value=secret)
            Setting.create(key=_key(source, "enabled_at"), value=(now or utcnow()).isoformat(timespec="seconds"))


def enable_sms_hook(now=None) -> str:
    """Turn the SMS hook on with a new secret (an older secret stops working) and return it."""
    secret = secrets.token_hex(32)
    _save("sms", secret, now)
    return secret


def enable_razorpay_hook(secret: str | None = None, now=None) -> str:
    """Turn the Razorpay hook on with the webhook secret entered in Razorpay's dashboard (or a new
    one to enter there) and return it."""
    if secret is None:
        secret = secrets.token_urlsafe(24)
    elif (
        not isinstance(secret, str)
        or not 12 <= len(secret) <= 200
        or not secret.isascii()
        or any(ch.isspace() or not ch.isprintable() for ch in secret)
    ):
        raise InvalidInput(
            "The webhook secret must be 12 to 200 characters without spaces, the same one "
            "you enter in Razorpay's dashboard."
        )
    _save("razorpay", secret, now)
    return secret


def disable_sms_hook() -> None:
    _save("sms", None, None)


def disable_razorpay_hook() -> None:
    _save("razorpay", None, None)


def sms_setup_payload(base_url: str | None = None) -> str:
    """The JSON a forwarder app is set up with (shown as text and as a QR code)."""
    settings = sms_hook_settings()
    if not settings.enabled:
        raise Conflict("The SMS hook is off; turn it on first ('luckydraw hooks sms --enable').")
    url = settings.path
    if base_url:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url.strip()):
            raise InvalidInput(f"'{base_url[:60]}' is not a web address like https://tickets.example.in.")
        url = base_url.strip().rstrip("/") + url
    return json.dumps(
        {
            "luckydraw": "sms-hook",
            "v": 1,
            "url": url,
            "secret": settings.secret,
            "sign": "hmac-sha256",
            "headers": ["X-Timestamp", "X-Signature"],
        },
        separators=(",", ":"),
    )


@dataclass(frozen=True)
class InboxItem:
    id: int
    source: str
    received_at: datetime
    outcome: str
    reason: str | None
    authenticated: bool
    sender: str | None
    event_type: str | None
    event_id: str | None
    external_id: str | None
    sent_at: datetime | None
    amount_paise: int | None
    utr: str | None
    payment_id: int | None
    order_reference: str | None
    match_outcome: str | None
    body_bytes: int
    truncated: bool
    expendable: bool  # unsigned, stale or a repeat: its body is cut to 2 KiB and it may be pruned
    text: str

    @property
    def retryable(self) -> bool:
        """A signed message that was not recorded (not processed yet, or refused) can be tried again."""
        return self.authenticated and not self.expendable and self.outcome in (RECEIVED, REJECTED)

    def as_dict(self) -> dict:
        return asdict(self) | {"retryable": self.retryable}


def _items(query) -> list[InboxItem]:
    rows = (
        query.select_extend(Order.reference.alias("order_reference"))
        .join(Payment, JOIN.LEFT_OUTER, on=(InboxMessage.payment == Payment.id))
        .join(Order, JOIN.LEFT_OUTER, on=(Payment.order == Order.id))
        .objects()
    )
    return [
        InboxItem(
            m.id,
            m.source,
            m.received_at,
            m.outcome,
            m.reason,
            m.authenticated,
            m.sender,
            m.event_type,
            m.event_id,
            m.external_id,
            m.sent_at,
            m.amount_paise,
            m.utr,
            m.payment_id,
            m.order_reference,
            m.match_outcome,
            m.body_bytes,
            m.truncated,
            m.expendable,
            m.text,
        )
        for m in rows
    ]


def inbox_items(
    limit: int = 50,
    *,
    source: str | None = None,
    outcome: str | None = None,
    before_id: int | None = None,
    after_id: int | None = None,
) -> list[InboxItem]:
    """The newest inbox messages first (at most `limit`, up to 1,000), optionally of one source or
    outcome; `before_id` pages further back, `after_id` gives only what arrived since."""
    query = InboxMessage.select()
    if source:
        query = query.where(InboxMessage.source == source)
    if outcome:
        query = query.where(InboxMessage.outcome == outcome)
    if before_id:
        query = query.where(InboxMessage.id < before_id)
    if after_id:
        query = query.where(InboxMessage.id > after_id)
    return _items(query.order_by(InboxMessage.id.desc()).limit(max(1, min(int(limit), 1000))))


def inbox_item(inbox_id: int) -> InboxItem:
    found = _items(InboxMessage.select().where(InboxMessage.id == inbox_id)) if str(inbox_id).isdigit() else []
    if not found:
        raise NotFound(f"There is no inbox message #{str(inbox_id)[:12]}.")
    return found[0]


def inbox_counts() -> dict[str, int]:
    """How many inbox messages have each outcome."""
    return dict(
        InboxMessage.select(InboxMessage.outcome, fn.COUNT(InboxMessage.id)).group_by(InboxMessage.outcome).tuples()
    )
