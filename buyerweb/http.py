"""Request and response plumbing every route of the buyer web shares (pages, API, results and the
payment hooks alike): the route table entry, the body reader with its size limit, form fields,
the client's IP and scheme as the trusted proxies report them, JSON answers, redirects, and the
one error handling (domain errors become their status, database trouble a 503, anything else a
500 without a stack trace; API paths answer JSON, pages the site's own error page)."""

import ipaddress
import json
import logging
import traceback
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from urllib.parse import parse_qs

from bottle import HTTPError, HTTPResponse, request, response

from shared import db as shared_db
from shared import intake
from shared.errors import LuckyDrawError, TicketsTaken
from shared.storage_errors import DATABASE_ERRORS

from .context import WebContext
from .html import error_page, render_error_html
from .i18n_messages import localise, localise_error

BUSY_MESSAGE = "The booking system is busy right now; please try again in a few seconds."
OOPS_MESSAGE = "Something went wrong on our side; please try again."
HOOK_BUSY_MESSAGE = "The payment inbox is busy right now; please send the message again in a few seconds."
HOOK_OOPS_MESSAGE = "Something went wrong on our side; please send the message again."
STATUS_MESSAGES = {
    400: "The request could not be understood.",
    403: "This request is not allowed.",
    404: "There is nothing here. Check the address, or start from the home page.",
    405: "That method is not allowed here.",
    413: "The request is too large.",
    415: "The request was sent in a form this site does not read.",
    500: OOPS_MESSAGE,
}
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")

log = logging.getLogger("buyerweb")


@dataclass(frozen=True)
class Route:
    """One entry of the route table: `handler(ctx, **url_args)` answers `method path`."""

    name: str
    method: str
    path: str
    handler: Callable


# ------------------------------------------------------------------------------ request reading


class BodyTooLarge(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def body_limit(ctx: WebContext, path: str) -> int:
    """The most bytes a request to `path` may send: the hooks' own limit, else the web's."""
    return intake.MAX_BODY if path.startswith("/hooks/") else ctx.config.max_body


def too_large_message(ctx: WebContext, path: str) -> str:
    if path.startswith("/hooks/"):
        return f"The message is too large: at most {intake.MAX_BODY // 1024} KiB."
    return f"The request is too large (at most {ctx.config.max_body} bytes)."


def read_body(ctx: WebContext) -> bytes:
    """The request body, refusing more than this path's limit (by Content-Length, or while reading
    a chunked body): BodyTooLarge, or HTTPError 400 for a Content-Length that is not a number."""
    env = request.environ
    limit = body_limit(ctx, request.path)
    length = (env.get("CONTENT_LENGTH") or "").strip()
    stream = env.get("wsgi.input")
    if length:
        if not length.isdigit():
            raise HTTPError(400, "The Content-Length header is not a number.")
        size = int(length)
        if size > limit:
            raise BodyTooLarge(too_large_message(ctx, request.path))
        return stream.read(size) if size > 0 and stream is not None else b""
    if stream is None:
        return b""
    data = stream.read(limit + 1)  # chunked: the server hands over the de-chunked body
    if len(data) > limit:
        raise BodyTooLarge(too_large_message(ctx, request.path))
    return data


def refuse_large_bodies(ctx: WebContext) -> None:
    """before_request hook: a declared body over the limit is refused before any route runs (the app
    enforces its limit whatever the server in front of it does)."""
    length = (request.environ.get("CONTENT_LENGTH") or "").strip()
    if length.isdigit() and int(length) > body_limit(ctx, request.path):
        raise fail(ctx, 413, too_large_message(ctx, request.path))


def form_data(ctx: WebContext) -> dict[str, list[str]]:
    ctype = (request.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    body = read_body(ctx)
    if ctype != "application/x-www-form-urlencoded":
        raise HTTPError(415, "Send the form as application/x-www-form-urlencoded.")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=2000)
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(400, "The form could not be read.") from None


def field(form: dict, name: str, default: str = "") -> str:
    values = form.get(name)
    return values[0] if values else default


def content_type() -> str:
    return (request.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()


# ---------------------------------------------------------------------------- client and proxy


ADDRESS_TEXT_MAX = 64  # "[" + the longest IPv6 text + "]:65535" is 55 characters


def _address(text: str) -> str | None:
    """An IP address as a proxy may write it (`203.0.113.7`, `203.0.113.7:5123`, `[2001:db8::1]:443`),
    normalised; None for anything else (it is never shown or stored as a client's address)."""
    text = text.strip()
    return None if len(text) > ADDRESS_TEXT_MAX else _parsed_address(text)


@lru_cache(maxsize=4096)  # every request behind a proxy reads two or three: parse each text once
def _parsed_address(text: str) -> str | None:
    for candidate in (text, text.rsplit(":", 1)[0] if text.count(":") == 1 else text):
        try:
            return str(ipaddress.ip_address(candidate.strip("[]")))
        except ValueError:
            pass
    if text.startswith("[") and "]:" in text:
        try:
            return str(ipaddress.ip_address(text[1 : text.index("]")]))
        except ValueError:
            return None
    return None


def _trusted(address: str, proxies) -> bool:
    ip = _address(address)
    return ip is not None and _in_networks(ip, proxies)


@lru_cache(maxsize=4096)
def _in_networks(ip: str, proxies) -> bool:
    return any(ipaddress.ip_address(ip) in network for network in proxies)


def apply_forwarded(environ: dict, proxies) -> None:
    """Before Bottle reads the request: when the peer is a trusted proxy, the client is the last
    X-Forwarded-For address that is not itself a trusted proxy (the nearest hop that is no address
    at all stops the walk: the last address seen is used), and X-Forwarded-Proto says whether
    the buyer used HTTPS; from any other peer the forwarded headers are dropped unread, so nobody can
    claim another client's address or a scheme it did not use."""
    peer = environ.get("REMOTE_ADDR") or ""
    environ["luckydraw.peer"] = peer
    if proxies and _trusted(peer, proxies):
        hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        client = peer
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # not an address (a client wrote it): the proxy's own is what we know
                break
            client = address
            if not _trusted(address, proxies):
                break
        environ["REMOTE_ADDR"] = client[:64]
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = proto
    for name in FORWARDED_HEADERS:  # Bottle would believe them (urlparts, remote_route): never let it
        environ.pop(name, None)


def client_ip() -> str:
    """The buyer's IP: the peer, or what a trusted proxy reported (see apply_forwarded)."""
    return request.environ.get("REMOTE_ADDR") or "unknown"


# --------------------------------------------------------------------------------------- answers


def json_body(data, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    data = localise_error(data)  # an error's sentence in the buyer's language
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    result = HTTPResponse(body, status=status, **(headers or {}))
    result.content_type = "application/json; charset=utf-8"
    result.set_header("Cache-Control", "no-store")
    return result


def error_json(status: int, message: str, **extra) -> HTTPResponse:
    return json_body({"error": message, **extra}, status)


def error_payload(exc: LuckyDrawError) -> dict:
    data = {"error": exc.message, "code": exc.code}
    if isinstance(exc, TicketsTaken):
        data["taken"] = exc.taken
    return data


def redirect(path: str, code: int = 303):
    """A relative Location (no Host header in it), keeping cookies set so far."""
    result = response.copy(cls=HTTPResponse)
    result.status = code
    result.body = ""
    result.set_header("Location", path)
    result.set_header("Cache-Control", "no-store")
    raise result


def is_api() -> bool:
    """Paths whose errors are JSON: the API, the signed payment hooks, the results file."""
    path = request.path
    return (
        path.startswith(("/api/", "/hooks/"))
        or path in ("/healthz", "/results.json")
        or (path.startswith("/results/") and path.endswith("/results.json"))
    )


def fail(ctx: WebContext, status: int, message: str, headers: dict | None = None) -> HTTPResponse:
    """An error answer: JSON on API paths, the site's error page elsewhere."""
    if is_api():
        return json_body({"error": message}, status, headers)
    return error_page(ctx, status, message, headers)


# ---------------------------------------------------------------------------------------- errors


def _log(message: str) -> None:
    """Server-side only: the trace goes to the server's error log (wsgi.errors, else the
    "buyerweb" logger), never to the buyer."""
    stream = request.environ.get("wsgi.errors")
    if stream is None:
        log.error("%s %s failed:\n%s", request.method, request.path, message)
        return
    try:
        stream.write(f"{request.method} {request.path} failed:\n{message}")
        stream.flush()
    except (OSError, ValueError):  # a closed log must never break an answer
        log.error("%s %s failed:\n%s", request.method, request.path, message)


def guard_plugin(ctx: WebContext):
    """Route plugin: domain errors become their status; database trouble a 503; anything else a
    500 without a stack trace (the trace goes to the server log)."""

    def decorator(callback):
        def wrapper(*args, **kwargs):
            hook = request.path.startswith("/hooks/")
            try:
                return callback(*args, **kwargs)
            except HTTPResponse:
                raise
            except BodyTooLarge as exc:
                return fail(ctx, 413, exc.message)
            except LuckyDrawError as exc:
                if is_api():
                    return json_body(error_payload(exc), exc.status)
                return fail(ctx, exc.status, exc.message)
            except DATABASE_ERRORS:
                _log(traceback.format_exc())
                shared_db.drop_connection()
                return fail(ctx, 503, HOOK_BUSY_MESSAGE if hook else BUSY_MESSAGE, {"Retry-After": "3"})
            except Exception:  # noqa: BLE001 - the one place that turns any failure into a 500
                _log(traceback.format_exc())
                return fail(ctx, 500, HOOK_OOPS_MESSAGE if hook else OOPS_MESSAGE)

        return wrapper

    return decorator


def error_handler(ctx: WebContext):
    """Bottle's error handler for every status: JSON on API paths, the site's page elsewhere."""

    def handler(err: HTTPError):
        status = err.status_code
        message = STATUS_MESSAGES.get(status, "The request could not be handled.")
        if (
            status in (400, 413, 415)
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
        response.content_type = "text/html; charset=utf-8"
        try:
            return render_error_html(ctx, status, message)
        except Exception:  # noqa: BLE001 - an error page that fails must not become a stack trace
            _log(traceback.format_exc())
            return message

    return handler
