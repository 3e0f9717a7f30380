"""The buyer web's app factory: `create_app(db_url) -> Bottle`.

It binds the domain core to the database, installs the routes (pages, the JSON API, the public
results of the winner draw and the signed payment hooks), and wraps every response with the
security headers. Database connections: by default one per thread,
opened on first use after the worker process has started and then kept (peewee's thread-local
connection state); with `keep_connections=False`, peewee's per-request connect/close for Bottle.
"""

import hashlib
import json
import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from bottle import Bottle, HTTPError, HTTPResponse, request, response, template
from peewee import DatabaseError, InterfaceError, OperationalError

from shared import db as shared_db
from shared.errors import LuckyDrawError, TicketsTaken

from . import i18n
from .config import WebConfig
from .i18n_messages import localise, localise_error
from .present import DrawCache, local_zone
from .ratelimit import RateLimiter
from .security import SECURITY_HEADERS, BodyTooLarge

HERE = Path(__file__).resolve().parent
VIEWS = str(HERE / "views")
LOOKUP = [VIEWS]  # one list: bottle caches compiled templates by the id of their lookup list
STATIC = HERE / "static"

BUSY_MESSAGE = "The booking system is busy right now; please try again in a few seconds."
OOPS_MESSAGE = "Something went wrong on our side; please try again."


@dataclass
class WebContext:
    """What the routes share: settings, rate limiters, the draw cache, static file versions."""

    config: WebConfig
    database: object
    draws: DrawCache = field(default_factory=DrawCache)
    hold_ip: RateLimiter | None = None
    hold_mobile: RateLimiter | None = None
    lookup_ip: RateLimiter | None = None
    zone: object = None
    static_versions: dict = field(default_factory=dict)
    results: object = None  # results.ResultsCache: the draw's public commitment and published results

    def static_url(self, name: str) -> str:
        return f"/static/{name}?v={self.static_versions.get(name, '0')}"


class BuyerApp(Bottle):
    """A Bottle app whose every response (errors and static files too) carries the security headers."""

    def wsgi(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.extend(SECURITY_HEADERS)
            return start_response(status, headers, exc_info)

        return super().wsgi(environ, start)


def json_body(data, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    data = localise_error(data)  # an error's sentence in the buyer's language
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    result = HTTPResponse(body, status=status, **(headers or {}))
    result.content_type = "application/json; charset=utf-8"
    result.set_header("Cache-Control", "no-store")
    return result


def error_json(status: int, message: str, **extra) -> HTTPResponse:
    return json_body({"error": message, **extra}, status)


def is_api() -> bool:
    """Paths whose errors are JSON: the API, the signed payment hooks, the results file."""
    path = request.path
    return path.startswith(("/api/", "/hooks/")) or path in ("/healthz", "/results.json")


def error_payload(exc: LuckyDrawError) -> dict:
    data = {"error": exc.message, "code": exc.code}
    if isinstance(exc, TicketsTaken):
        data["taken"] = exc.taken
    return data


log = logging.getLogger("buyerweb")


def _log(message: str) -> None:
    """Server-side only: the trace goes to the log, never to the buyer."""
    log.error("%s %s failed:\n%s", request.method, request.path, message)


def guard_plugin(ctx: WebContext):
    """Route plugin: domain errors become their status; database trouble a 503; anything else a
    500 without a stack trace (the trace goes to the server log)."""

    def decorator(callback):
        def wrapper(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except HTTPResponse:
                raise
            except BodyTooLarge:
                return _fail(413, f"The request is too large (at most {ctx.config.max_body} bytes).")
            except LuckyDrawError as exc:
                if is_api():
                    return json_body(error_payload(exc), exc.status)
                return _fail(exc.status, exc.message)
            except (OperationalError, InterfaceError, DatabaseError):
                _log(traceback.format_exc())
                shared_db.drop_connection()
                return _fail(503, BUSY_MESSAGE, {"Retry-After": "3"})
            except Exception:  # noqa: BLE001
                _log(traceback.format_exc())
                return _fail(500, OOPS_MESSAGE)

        def _fail(status, message, headers=None):
            if is_api():
                return json_body({"error": message}, status, headers)
            from .pages import error_page

            return error_page(ctx, status, message, headers)

        return wrapper

    return decorator


def _error_handler(ctx: WebContext):
    messages = {
        400: "The request could not be understood.",
        403: "This request is not allowed.",
        404: "There is nothing here. Check the address, or start from the home page.",
        405: "That method is not allowed here.",
        413: "The request is too large.",
        500: OOPS_MESSAGE,
    }

    def handler(err: HTTPError):
        status = err.status_code
        message = messages.get(status, "The request could not be handled.")
        if (
            status in (400, 413)
            and isinstance(err.body, str)
            and err.body
            and len(err.body) < 200
            and not err.body.startswith("<")
        ):
            message = err.body if err.body.endswith(".") else message
        if is_api():
            response.content_type = "application/json; charset=utf-8"
            response.set_header("Cache-Control", "no-store")
            return json.dumps({"error": localise(message)})
        from .pages import render_error_html

        response.content_type = "text/html; charset=utf-8"
        return render_error_html(ctx, status, message)

    return handler


def _forget_inherited_connection() -> None:
    """In a forked child: never use a connection the parent opened (SQLite and libpq both break)."""
    db = shared_db.database.obj
    if db is not None:
        db._state.reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_connection)


def _static_versions() -> dict:
    versions = {}
    for path in STATIC.iterdir():
        if path.is_file():
            versions[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


def create_app(
    db_url: str | None = None, *, migrate: bool = True, config: WebConfig | None = None, **overrides
) -> Bottle:
    """The buyer web as a WSGI app bound to the database at `db_url`.

    `migrate=False` when a launcher has already brought the schema up to date (worker processes).
    Settings come from the environment (see WebConfig.from_env) and keyword overrides, e.g.
    `create_app(url, hold_limit_ip=None)` to switch the per-IP hold limit off."""
    config = config or WebConfig.from_env(**overrides)
    database = shared_db.connect(db_url, create=migrate)
    database.close()  # connections are opened lazily, per thread, in the process that serves

    ctx = WebContext(
        config=config,
        database=database,
        hold_ip=RateLimiter(config.hold_limit_ip) if config.hold_limit_ip else None,
        hold_mobile=RateLimiter(config.hold_limit_mobile) if config.hold_limit_mobile else None,
        lookup_ip=RateLimiter(config.lookup_limit_ip) if config.lookup_limit_ip else None,
        zone=local_zone(config.timezone),
        static_versions=_static_versions(),
    )

    app = BuyerApp()
    app.config["catchall"] = True
    app.config["autojson"] = False
    app.luckydraw = ctx
    app.install(guard_plugin(ctx))
    i18n.install(app)

    if not config.keep_connections:

        @app.hook("before_request")
        def _connect():
            database.connect(reuse_if_open=True)

        @app.hook("after_request")
        def _close():
            if not database.is_closed():
                database.close()

    handler = _error_handler(ctx)
    for status in (400, 403, 404, 405, 413, 500):
        app.error(status)(handler)

    from . import api, pages, results, static
    from .hooks import install_hooks

    api.install(app, ctx)
    pages.install(app, ctx)
    results.install(app, ctx)
    static.install(app, ctx)
    # POST /hooks/sms and /hooks/razorpay: HMAC-signed, 404 until their secret is set, and all they
    # can do is add a payment. They read the raw body themselves (their own 16 KiB limit, not
    # max_body) and carry no CSRF token: no route here applies one except the HTML forms.
    install_hooks(app)
    return app


def render(ctx: WebContext, _view: str, **values) -> str:
    return template(_view, template_lookup=LOOKUP, ctx=ctx, **i18n.template_values(), **values)
