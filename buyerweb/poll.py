"""The status poll's fast path: `GET /api/check_payment/<12 digits>` without a query, answered in
front of Bottle. Every waiting buyer asks every 3 s, so this is the web's hot path; routing,
plugins and the response object cost more than the poll's one indexed read.

It answers only the plain case: a booking that exists, read without trouble. Anything else (a
query string, an unknown booking, a database error, any failure) goes on to the full route, which answers it
the usual way (its error in the buyer's language, a 503 when the database is busy). Both build
the same body with `poll_body`, and tests/web/test_web_api.py compares their answers header for
header. Both read the booking's row through `shared.status_cache` (on PostgreSQL, this process's
memory of polled rows, kept right by the database's announcements of every change)."""

from datetime import datetime

import orjson

from shared import booking
from shared.db import database, utcnow
from shared.money import rupees

from .present import iso_utc, seconds_left

PREFIX = "/api/check_payment/"
# As the route's answer reaches the phone (the compression layer names what it varies on).
HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Vary", "Accept-Encoding")]


def poll_body(status: booking.OrderStatus, session_id: str, now: datetime) -> bytes:
    """The poll's JSON (SPEC §3): state, time left, numbers, reference, amount; the receipt once paid.
    (orjson: compact, in this order, a tenth of the standard encoder's time.)"""
    data = {
        "status": status.state,
        "expires_at": iso_utc(status.expires_at),
        "seconds_left": seconds_left(status.expires_at, now) if status.state == "pending" else 0,
        "tickets": list(status.tickets),
        "reference": status.reference,
        "amount": rupees(status.payable_paise),
        "amount_paise": status.payable_paise,
    }
    if status.state == "paid":
        data["paid_at"] = iso_utc(status.paid_at)
        data["receipt_url"] = f"/done/{session_id}"
    return orjson.dumps(data)


class PollFastPath:
    """WSGI: the plain poll answered here, everything else by `app`."""

    def __init__(self, app, *, connect_per_request: bool = False):
        self.app = app
        self.connect_per_request = connect_per_request

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or not path.startswith(PREFIX)
            or environ.get("QUERY_STRING")
            or len(path) != len(PREFIX) + 12
            or not path[len(PREFIX) :].isdigit()
        ):
            return self.app(environ, start_response)
        session_id = path[len(PREFIX) :]
        now = utcnow()
        try:
            if self.connect_per_request:
                database.connect(reuse_if_open=True)
            try:
                status = booking.order_status(session_id, now, cached=True)
            finally:
                if self.connect_per_request and not database.is_closed():
                    database.close()
        except Exception:  # noqa: BLE001 - the full route says what is wrong (404, 503, a 500 without a trace)
            return self.app(environ, start_response)
        body = poll_body(status, session_id, now)
        start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
        return [body]
