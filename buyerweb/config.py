"""Settings of the buyer web that are not draw settings: rate limits, body limit, the signing
secret, connection handling. Read from the environment, overridable by `create_app` arguments."""

import os
import re
import secrets
from dataclasses import dataclass, field, replace

from .ratelimit import Limit


def parse_limit(text: str | None, default: Limit | None) -> Limit | None:
    """'60/60' → at most 60 attempts per 60 s; 'off' or '0' → no limit; empty → the default."""
    if text is None or not text.strip():
        return default
    text = text.strip().lower()
    if text in ("off", "0", "none", "no"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)\s*s?", text)
    if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
        raise ValueError(f"rate limit must look like 60/60 (attempts/seconds) or 'off', not {text!r}")
    return Limit(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class WebConfig:
    # Hold attempts (POST /api/orders and the form) per client IP and per mobile number. India's
    # mobile carriers put many phones behind one public IP (CGNAT), so the per-IP limit is generous
    # and the per-mobile one is the tight one.
    hold_limit_ip: Limit | None = Limit(60, 60)
    hold_limit_mobile: Limit | None = Limit(10, 600)
    # "My tickets" look-ups per IP (mobile + reference guesses).
    lookup_limit_ip: Limit | None = Limit(30, 60)
    max_body: int = 8 * 1024
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    # True: one connection per thread, opened on first use and kept (fast). False: peewee's
    # per-request connect/close, as its Bottle example shows.
    keep_connections: bool = True
    # Use the last X-Forwarded-For address as the client IP (only behind your own reverse proxy).
    trust_proxy: bool = False
    timezone: str | None = None

    @classmethod
    def from_env(cls, env=None, **overrides) -> "WebConfig":
        env = os.environ if env is None else env
        base = cls()
        values = dict(
            hold_limit_ip=parse_limit(env.get("LUCKYDRAW_HOLD_LIMIT_IP"), base.hold_limit_ip),
            hold_limit_mobile=parse_limit(env.get("LUCKYDRAW_HOLD_LIMIT_MOBILE"), base.hold_limit_mobile),
            lookup_limit_ip=parse_limit(env.get("LUCKYDRAW_LOOKUP_LIMIT_IP"), base.lookup_limit_ip),
            trust_proxy=env.get("LUCKYDRAW_TRUST_PROXY", "") == "1",
            keep_connections=env.get("LUCKYDRAW_DB_PER_REQUEST", "") != "1",
            timezone=env.get("LUCKYDRAW_TIMEZONE") or None,
        )
        if env.get("LUCKYDRAW_MAX_BODY"):
            values["max_body"] = int(env["LUCKYDRAW_MAX_BODY"])
        if env.get("LUCKYDRAW_SECRET"):
            values["secret"] = env["LUCKYDRAW_SECRET"].encode()
        values.update(overrides)
        if isinstance(values.get("secret"), str):
            values["secret"] = values["secret"].encode()
        return replace(base, **values)
