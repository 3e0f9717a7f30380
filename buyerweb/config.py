"""Settings of the buyer web that are not draw settings: rate limits, body limit, the signing
secret, connection handling. Read from the environment, overridable by `create_app` arguments."""

import ipaddress
import os
import re
from dataclasses import dataclass, field, replace

from shared.ratelimit import Limit


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


LOOPBACK = ("127.0.0.0/8", "::1/128")


def parse_proxies(text: str | None) -> tuple[str, ...]:
    """'127.0.0.1, 10.0.0.0/8' → the networks, checked; empty → none."""
    networks = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ValueError(f"LUCKYDRAW_TRUSTED_PROXIES: {part!r} is not an IP address or network") from None
    return tuple(networks)


@dataclass(frozen=True)
class WebConfig:
    # Hold attempts (POST /api/orders and the form) per client IP and per mobile number. India's
    # mobile carriers put many phones behind one public IP (CGNAT), so the per-IP limit is generous
    # and the per-mobile one is the tight one.
    hold_limit_ip: Limit | None = Limit(60, 60)
    hold_limit_mobile: Limit | None = Limit(10, 600)
    # Look-ups per IP ("My tickets" and "Was my ticket in the draw?": reference guesses).
    lookup_limit_ip: Limit | None = Limit(30, 60)
    # UTR claims (POST /api/orders/<id>/utr and the pay page's form) per IP and per booking: a
    # buyer may correct a typo a few times; nobody may try UTRs by the thousand.
    claim_limit_ip: Limit | None = Limit(30, 60)
    claim_limit_order: Limit | None = Limit(8, 600)
    max_body: int = 8 * 1024
    # True: the limits above hold across every worker and machine (buckets in the database);
    # False (LUCKYDRAW_RATE_LIMITS=process): each worker process limits separately.
    shared_limits: bool = True
    # The signing secret: LUCKYDRAW_SECRET, else (None here) the one stored in the database, made on
    # the first start (shared.web_secret), so every worker and machine shares it across restarts.
    secret: bytes | None = field(default=None, repr=False)
    # True: one connection per thread, opened on first use and kept (fast). False: peewee's
    # per-request connect/close, as its Bottle example shows.
    keep_connections: bool = True
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks,
    # LUCKYDRAW_TRUSTED_PROXIES="127.0.0.1,::1"); LUCKYDRAW_TRUST_PROXY=1 means the loopback ones.
    # From any other peer those headers are dropped, so nobody can claim another IP or HTTPS.
    trusted_proxies: tuple[str, ...] = ()
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
            claim_limit_ip=parse_limit(env.get("LUCKYDRAW_CLAIM_LIMIT_IP"), base.claim_limit_ip),
            claim_limit_order=parse_limit(env.get("LUCKYDRAW_CLAIM_LIMIT_ORDER"), base.claim_limit_order),
            trust_proxy=env.get("LUCKYDRAW_TRUST_PROXY", "") == "1",
            trusted_proxies=parse_proxies(env.get("LUCKYDRAW_TRUSTED_PROXIES")),
            keep_connections=env.get("LUCKYDRAW_DB_PER_REQUEST", "") != "1",
            timezone=env.get("LUCKYDRAW_TIMEZONE") or None,
            shared_limits=env.get("LUCKYDRAW_RATE_LIMITS", "shared").strip().lower() != "process",
        )
        if env.get("LUCKYDRAW_MAX_BODY"):
            values["max_body"] = int(env["LUCKYDRAW_MAX_BODY"])
        if env.get("LUCKYDRAW_SECRET"):
            values["secret"] = env["LUCKYDRAW_SECRET"].encode()
        values.update(overrides)
        if isinstance(values.get("trusted_proxies"), str):
            values["trusted_proxies"] = parse_proxies(values["trusted_proxies"])
        if isinstance(values.get("secret"), str):
            values["secret"] = values["secret"].encode()
        return replace(base, **values)

    @property
    def proxy_networks(self) -> tuple:
        """The trusted proxies as ip_network objects (loopback too when trust_proxy is set)."""
        names = self.trusted_proxies + (LOOPBACK if self.trust_proxy else ())
        return tuple(ipaddress.ip_network(name, strict=False) for name in names)
