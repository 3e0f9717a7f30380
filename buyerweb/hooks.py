"""The payment hooks of the buyer web: `POST /hooks/sms` (an SMS forwarder on the organiser's
phone) and `POST /hooks/razorpay` (Razorpay webhooks).

The routes only hand the raw request to `shared.intake`, which checks the signature, stores the
message in the inbox and records the payment. A hook exists only while its secret is set from the
console (404 otherwise), and it is no admin function: all it can do is add a payment. Every answer
is JSON; a failure is one sentence, never a stack trace (that goes to the server log).
"""

import json
import sys
import traceback

from bottle import HTTPResponse, request
from peewee import DatabaseError, InterfaceError

from shared import db as shared_db
from shared import intake

BUSY = "The payment inbox is busy right now; please send the message again in a few seconds."
OOPS = "Something went wrong on our side; please send the message again."


def install_hooks(app) -> None:
    """Add POST /hooks/sms and POST /hooks/razorpay to a Bottle app."""
    for source, path in intake.PATHS.items():
        app.route(path, method="POST", callback=_handler(app, source), name=f"hook_{source}")


def _json(status: int, data: dict, headers=()) -> HTTPResponse:
    result = HTTPResponse(json.dumps(data, separators=(",", ":"), ensure_ascii=False), status=status)
    result.content_type = "application/json; charset=utf-8"
    result.set_header("Cache-Control", "no-store")
    for name, value in headers:
        result.set_header(name, value)
    return result


def _read_body(limit: int) -> tuple[bytes | None, int | None]:
    """(body, None), or (None, 413) past `limit` bytes, or (None, 400) for a bad Content-Length."""
    env = request.environ
    length = (env.get("CONTENT_LENGTH") or "").strip()
    stream = env.get("wsgi.input")
    if length:
        if not length.isdigit():
            return None, 400
        size = int(length)
        if size > limit:
            return None, 413
        return (stream.read(size) if size and stream is not None else b""), None
    data = stream.read(limit + 1) if stream is not None else b""  # chunked: the server de-chunks
    return (None, 413) if len(data) > limit else (data, None)


def _remote(app) -> str | None:
    env = request.environ
    config = getattr(getattr(app, "luckydraw", None), "config", None)
    if getattr(config, "trust_proxy", False) and env.get("HTTP_X_FORWARDED_FOR"):
        return env["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()
    return env.get("REMOTE_ADDR")


def _log() -> None:
    stream = request.environ.get("wsgi.errors") or sys.stderr
    try:
        stream.write(traceback.format_exc())
        stream.flush()
    except Exception:  # noqa: BLE001 - logging must never break an answer
        pass


def _handler(app, source: str):
    def hook():
        try:
            if not intake.hook_secret(source):
                return _json(404, {"error": intake.NOT_FOUND})
            body, problem = _read_body(intake.MAX_BODY)
            if problem == 413:
                return _json(413, {"error": f"The message is too large: at most {intake.MAX_BODY // 1024} KiB."})
            if problem:
                return _json(400, {"error": "The Content-Length header is not a number."})
            result = intake.receive(source, request.headers, body, remote=_remote(app))
            return _json(result.status, result.body, result.headers)
        except (DatabaseError, InterfaceError):
            _log()
            shared_db.drop_connection()
            return _json(503, {"error": BUSY}, (("Retry-After", "3"),))
        except Exception:  # noqa: BLE001
            _log()
            return _json(500, {"error": OOPS})

    return hook
