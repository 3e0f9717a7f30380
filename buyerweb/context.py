"""What every route of the buyer web shares, built once by `create_app`: the settings, the rate
limiters, the caches (current draw, availability, published results), the local time zone and the
content hashes of the static files; and `render`, which fills a template with it."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bottle import template

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
    hold_ip: RateLimiter | None = None
    hold_mobile: RateLimiter | None = None
    lookup_ip: RateLimiter | None = None
    zone: object = None
    static_versions: dict = field(default_factory=dict)
    checker: bytes | None = None  # static/verify_draw.py, served at /verify_draw.py
    proxies: tuple = ()  # trusted reverse proxies (ip_network objects)

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
