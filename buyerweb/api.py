"""The JSON API of SPEC §3, used by the pages' own script (and open to integrations):
POST /api/orders, GET /api/check_payment/<session_id>, GET /api/tickets, GET /healthz.
Errors are JSON objects with one human sentence in "error"."""

import json
import threading
import time

from bottle import request, response

from shared import booking
from shared.booking import availability
from shared.db import utcnow
from shared.errors import NotFound, TicketsTaken
from shared.money import rupees
from shared.states import OrderState

from .app import error_json, json_body
from .holds import RateLimited, check_ip_limit, place_hold
from .present import iso_utc, seconds_left
from .security import LAST_ORDER_COOKIE, read_body

AVAILABILITY_CACHE_SECONDS = 1.0


class AvailabilityCache:
    """Availability of the current draw, recomputed at most once a second per process."""

    def __init__(self):
        self._value = None
        self._at = -1e9
        self._lock = threading.Lock()

    def get(self, draw):
        now = time.monotonic()
        value = self._value
        if value is not None and now - self._at < AVAILABILITY_CACHE_SECONDS and value["draw_id"] == draw.id:
            return value
        with self._lock:
            if (
                self._value is not None
                and time.monotonic() - self._at < AVAILABILITY_CACHE_SECONDS
                and self._value["draw_id"] == draw.id
            ):
                return self._value
            value = availability(draw)
            self._value, self._at = value, time.monotonic()
            return value

    def clear(self):
        self._at = -1e9


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


def install(app, ctx):
    cache = AvailabilityCache()
    ctx.availability = cache

    @app.get("/healthz")
    def healthz():
        response.content_type = "application/json"
        response.set_header("Cache-Control", "no-store")
        return b'{"ok":true}'

    @app.get("/api/check_payment/<session_id>")
    def check_payment(session_id):
        now = utcnow()
        status = booking.order_status(session_id, now)
        data = {
            "status": status.state,
            "expires_at": iso_utc(status.expires_at),
            "seconds_left": seconds_left(status.expires_at, now) if status.state == OrderState.PENDING else 0,
            "tickets": list(status.tickets),
            "reference": status.reference,
            "amount": rupees(status.payable_paise),
            "amount_paise": status.payable_paise,
        }
        if status.state == OrderState.PAID:
            data["paid_at"] = iso_utc(status.paid_at)
            data["receipt_url"] = f"/done/{session_id}"
        response.content_type = "application/json"
        response.set_header("Cache-Control", "no-store")
        return json.dumps(data, separators=(",", ":"))

    @app.get("/api/tickets")
    def tickets():
        draw = ctx.draws.get()
        if draw is None:
            raise NotFound("There is no draw yet.")
        value = cache.get(draw)
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

    @app.post("/api/orders")
    def create_order():
        body = read_body(ctx.config.max_body)
        try:
            check_ip_limit(ctx, ctx.hold_ip)  # every attempt counts, garbage included
        except RateLimited as exc:
            return _limited(exc)
        ctype = (request.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
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
            cache.clear()  # our cached availability was behind: the next look shows them taken
            raise
        cache.clear()
        draw = ctx.draws.get()
        result = json_body(hold_json(hold, draw), 201, {"Location": f"/pay/{hold.session_id}"})
        result.set_cookie(
            LAST_ORDER_COOKIE, hold.session_id, path="/", httponly=True, samesite="lax", max_age=24 * 3600
        )
        return result
