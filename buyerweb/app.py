"""The buyer web's app factory: `create_app(db_url) -> Bottle`.

It binds the domain core to the database, builds the context the routes share (settings, rate
limiters, caches: see `context`), and registers the route table of each route module (pages, the
JSON API, the public results of the winner draw, static files and the signed payment hooks) with
the one error handling of `http`. In front of Bottle: WhiteNoise for the static files (`static`) and
the compression of every other text answer (`compress`). Every response carries the security
headers (and HSTS when the buyer came over HTTPS); forwarded headers are believed only from the
configured proxies. On PostgreSQL the status poll's rows are kept in each process's memory
(shared.status_cache). The signing secret is LUCKYDRAW_SECRET or the one stored in the database
(shared.web_secret); the rate limits are shared by every worker through the database
(shared.rate_buckets). Database
connections: by default one per thread, opened on first use after the worker process has started
and then kept (peewee's thread-local connection state); with `keep_connections=False`, peewee's
per-request connect/close for Bottle.
"""

import os
from dataclasses import replace
from functools import partial, update_wrapper

from bottle import Bottle

from shared import db as shared_db
from shared import intake, setup, status_cache
from shared.backup import announce_web
from shared.rate_buckets import SharedRateLimiter
from shared.ratelimit import RateLimiter
from shared.web_secret import web_secret

from . import api, claims, hooks, i18n, pages, results, static
from .compress import Compressed
from .config import WebConfig
from .context import STATIC, VIEWS, WebContext, render, static_versions
from .http import apply_forwarded, error_handler, guard_plugin, refuse_large_bodies
from .poll import PollFastPath
from .present import local_zone
from .security import HSTS, SECURITY_HEADERS

ROUTE_MODULES = (pages, claims, api, results, static, hooks)

__all__ = ["STATIC", "VIEWS", "BuyerApp", "create_app", "render", "routes"]


class BuyerApp(Bottle):
    """A Bottle app whose every response (errors and static files too) carries the security headers,
    and which reads X-Forwarded-* only from its trusted proxies."""

    proxies: tuple = ()
    front = None  # what answers first (create_app: static files, then compressed routes)

    def wsgi(self, environ, start_response):
        apply_forwarded(environ, self.proxies)

        https = environ.get("wsgi.url_scheme") == "https"  # as the trusted proxy reported it

        def start(status, headers, exc_info=None):
            headers.extend(SECURITY_HEADERS)
            if https:
                headers.append(HSTS)
            return start_response(status, headers, exc_info)

        return (self.front or self.routed)(environ, start)

    def routed(self, environ, start_response):
        """Bottle's own answer: the routes, without what stands in front of them."""
        return super().wsgi(environ, start_response)


def _forget_inherited_connection() -> None:
    """In a forked child: never use a connection the parent opened (SQLite and libpq both break)."""
    db = shared_db.database.obj
    if db is not None:
        db._state.reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_connection)


def routes():
    """Every route of the buyer web, as (name, method, path, handler)."""
    return tuple(route for module in ROUTE_MODULES for route in module.ROUTES)


def _limiter(config: WebConfig, name: str, limit):
    """The limit shared by every worker and machine (through the database), or, with
    LUCKYDRAW_RATE_LIMITS=process, kept in this process's memory (each worker limits separately)."""
    if not limit:
        return None
    return SharedRateLimiter(name, limit) if config.shared_limits else RateLimiter(limit)


def create_app(
    db_url: str | None = None, *, migrate: bool = True, config: WebConfig | None = None, **overrides
) -> Bottle:
    """The buyer web as a WSGI app bound to the database at `db_url`.

    `migrate=False` when a launcher has already brought the schema up to date (worker processes).
    Settings come from the environment (see WebConfig.from_env) and keyword overrides, e.g.
    `create_app(url, hold_limit_ip=None)` to switch the per-IP hold limit off."""
    config = config or WebConfig.from_env(**overrides)
    database = setup.connect(db_url, create=migrate)
    announce_web()  # restore refuses while any web process holds this
    intake.share_rate_limits(config.shared_limits)  # the hooks' junk limits, like the buyers' limits
    if config.secret is None:
        config = replace(config, secret=web_secret())
    database.close()  # connections are opened lazily, per thread, in the process that serves
    status_cache.enable(database)  # PostgreSQL: polled rows kept in memory, started where it serves

    checker = STATIC / results.SCRIPT
    ctx = WebContext(
        config=config,
        database=database,
        hold_ip=_limiter(config, "hold_ip", config.hold_limit_ip),
        hold_mobile=_limiter(config, "hold_mobile", config.hold_limit_mobile),
        lookup_ip=_limiter(config, "lookup_ip", config.lookup_limit_ip),
        claim_ip=_limiter(config, "claim_ip", config.claim_limit_ip),
        claim_order=_limiter(config, "claim_order", config.claim_limit_order),
        default_zone=local_zone(config.timezone),
        static_versions=static_versions(),
        checker=checker.read_bytes() if checker.is_file() else None,
        proxies=config.proxy_networks,
    )

    app = BuyerApp()
    app.proxies = ctx.proxies
    app.front = PollFastPath(
        static.StaticFiles(Compressed(app.routed), ctx.static_versions),
        connect_per_request=not config.keep_connections,
    )
    app.config["catchall"] = True
    app.config["autojson"] = False
    app.luckydraw = ctx
    app.install(guard_plugin(ctx))
    app.add_hook("before_request", partial(refuse_large_bodies, ctx))
    i18n.install(app)
    if not config.keep_connections:
        app.add_hook("before_request", lambda: database.connect(reuse_if_open=True))
        app.add_hook("after_request", lambda: database.is_closed() or database.close())

    handler = error_handler(ctx)
    app.default_error_handler = handler
    for status in (400, 403, 404, 405, 413, 415, 500):
        app.error(status)(handler)

    for route in routes():
        callback = update_wrapper(partial(route.handler, ctx), route.handler)
        app.route(route.path, route.method, callback, name=route.name)
    return app
