"""The JSON API of SPEC §3, used by the pages' own script (and open to integrations):
POST /api/orders, GET /api/check_payment/<session_id>, GET /api/tickets, GET /healthz.
Errors are JSON objects with one human sentence in "error"."""

import json

from bottle import request, response

from shared import booking
from shared.db import utcnow
from shared.errors import NotFound, TicketsTaken
from shared.money import rupees
from shared.validation import SESSION_RE

from .context import WebContext
from .holds import RateLimited, cancel_own, check_ip_limit, place_hold
from .http import Route, content_type, error_json, json_body, read_body
from .poll import poll_body
from .present import iso_utc, seconds_left
from .security import remember_booking, remember_last_booking


def hold_json(hold, draw) -> dict:
    return {
        "session_id": hold.session_id,
        "reference": hold.reference,
        "amount": rupees(hold.payable_paise),
        "amount_paise": hold.payable_paise,
        "amount_unique": hold.amount_unique,
        "tickets": list(hold.tickets),
        "labels": [draw.label(n) for n in hold.tickets],
        "expires_at": iso_utc(hold.expires_at),
        "seconds_left": seconds_left(hold.expires_at, utcnow()),
        "upi_uri": hold.upi_uri,
        "pay_url": f"/pay/{hold.session_id}",
    }


def _limited(exc: RateLimited):
    return json_body(
        {"error": exc.message, "code": exc.code, "retry_after": exc.retry_after},
        429,
        {"Retry-After": str(exc.retry_after)},
    )


def healthz(ctx: WebContext):
    response.content_type = "application/json"
    response.set_header("Cache-Control", "no-store")
    return b'{"ok":true}'


def check_payment(ctx: WebContext, session_id: str):
    """The poll through Bottle: with a query string or for an unknown booking (poll.PollFastPath
    answers the plain case in front of Bottle with the same body)."""
    now = utcnow()
    status = booking.order_status(session_id, now, cached=True)
    response.content_type = "application/json"
    response.set_header("Cache-Control", "no-store")
    return poll_body(status, session_id, now)


def tickets(ctx: WebContext):
    draw = ctx.draws.get()
    if draw is None:
        raise NotFound("There is no draw yet.")
    value = ctx.availability.get(draw)
    data = {
        "draw_id": draw.id,
        "name": draw.name,
        "state": draw.state,
        "count": draw.ticket_count,
        "width": draw.width,
        "price": rupees(draw.price_paise),
        "price_paise": draw.price_paise,
        "max_per_order": draw.max_per_order,
        "sold": value["sold"],
        "held": value["held"],
        "free": value["free"],
        "from": 1,
        "states": value["states"],
    }
    first, last = request.query.get("from"), request.query.get("to")
    if first or last:
        try:
            lo = max(1, int(first or 1))
            hi = min(draw.ticket_count, int(last or draw.ticket_count))
        except ValueError:
            return error_json(400, "'from' and 'to' must be ticket numbers.")
        if hi < lo:
            return error_json(400, "'to' must not be smaller than 'from'.")
        data["from"] = lo
        data["states"] = value["states"][lo - 1 : hi]
    response.content_type = "application/json"
    response.set_header("Cache-Control", "no-store")
    return json.dumps(data, separators=(",", ":"))


def create_order(ctx: WebContext):
    body = read_body(ctx)
    try:
        check_ip_limit(ctx, ctx.hold_ip)  # every attempt counts, garbage included
    except RateLimited as exc:
        return _limited(exc)
    if content_type() != "application/json":
        return error_json(415, "Send the booking as JSON (Content-Type: application/json).")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return error_json(400, "The request body is not valid JSON.")
    if not isinstance(payload, dict):
        return error_json(400, 'The request body must be a JSON object like {"name", "mobile", "tickets"}.')
    try:
        hold = place_hold(ctx, payload.get("name"), payload.get("mobile"), payload.get("tickets"), ip_checked=True)
    except RateLimited as exc:
        return _limited(exc)
    except TicketsTaken:
        ctx.availability.clear()  # our cached availability was behind: the next look shows them taken
        raise
    ctx.availability.clear()
    draw = ctx.draws.get()
    result = json_body(hold_json(hold, draw), 201, {"Location": f"/pay/{hold.session_id}"})
    remember_last_booking(hold.session_id, result)
    remember_booking(ctx.config.secret, hold.session_id, result)
    return result


def cancel(ctx: WebContext, session_id: str):
    """POST /api/orders/<session_id>/cancel: 200 {"status": "cancelled", "tickets"}; 403 from a
    browser that did not make the booking; 404 unknown; 409 no longer pending; 429 too many."""
    read_body(ctx)
    if not SESSION_RE.match(session_id or ""):
        raise NotFound("No booking with that id.")
    try:
        order = cancel_own(ctx, session_id)
    except RateLimited as exc:
        return _limited(exc)
    ctx.availability.clear()
    return json_body({"status": order.state, "tickets": list(order.numbers)})


ROUTES = (
    Route("healthz", "GET", "/healthz", healthz),
    Route("check_payment", "GET", "/api/check_payment/<session_id>", check_payment),
    Route("tickets", "GET", "/api/tickets", tickets),
    Route("create_order", "POST", "/api/orders", create_order),
    Route("cancel_order", "POST", "/api/orders/<session_id>/cancel", cancel),
)
