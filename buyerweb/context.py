"""What every route of the buyer web shares, built once by `create_app`: the settings, the rate
limiters, the caches (current draw, availability, published results), the buyers' time zone and the
content hashes of the static files; and `render`, which fills a template with it."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bottle import template

from shared.draw_zone import zone_of
from shared.rate_buckets import SharedRateLimiter
from shared.ratelimit import RateLimiter

from .caches import AvailabilityCache, DrawCache, ResultsCache
from .config import WebConfig
from .i18n_templates import template_values

HERE = Path(__file__).resolve().parent
VIEWS = str(HERE / "views")
LOOKUP = [VIEWS]  # one list: bottle caches compiled templates by the id of their lookup list
STATIC = HERE / "static"


@dataclass
class WebContext:
    config: WebConfig
    database: object
    draws: DrawCache = field(default_factory=DrawCache)
    availability: AvailabilityCache = field(default_factory=AvailabilityCache)
    results: ResultsCache = field(default_factory=ResultsCache)
    hold_ip: RateLimiter | SharedRateLimiter | None = None
    hold_mobile: RateLimiter | SharedRateLimiter | None = None
    lookup_ip: RateLimiter | SharedRateLimiter | None = None
    claim_ip: RateLimiter | SharedRateLimiter | None = None
    claim_order: RateLimiter | SharedRateLimiter | None = None
    default_zone: object = None  # LUCKYDRAW_TIMEZONE, shown while there is no draw
    static_versions: dict = field(default_factory=dict)
    checker: bytes | None = None  # static/verify_draw.py, served at /verify_draw.py
    proxies: tuple = ()  # trusted reverse proxies (ip_network objects)

    @property
    def zone(self):
        """The time zone buyers see: the current draw's setting (default Asia/Kolkata), never the
        server's clock zone (a hosted web runs in UTC)."""
        draw = self.draws.get()
        if draw is None:
            return self.default_zone or zone_of(None)
        return zone_of(draw)

    def static_url(self, name: str) -> str:
        return f"/static/{name}?v={self.static_versions.get(name, '0')}"


def static_versions() -> dict:
    """Each static file's short content hash, for cache-busting URLs."""
    versions = {}
    for path in STATIC.iterdir():
        if path.is_file():
            versions[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


def render(ctx: WebContext, _view: str, **values) -> str:
    return template(_view, template_lookup=LOOKUP, ctx=ctx, **template_values(), **values)
