"""The automatic payment sources' switches: each hook's secret in the Setting table (turning the
SMS-forwarder and Razorpay hooks on and off) and the forwarder app's setup blob."""

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from .db import utcnow, write_tx
from .errors import Conflict, InvalidInput, NotFound
from .models import Setting
from .models_intake import SOURCES

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
