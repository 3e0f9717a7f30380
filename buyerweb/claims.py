"""The buyer hands in the UTR their UPI app shows (SPEC §2 "Buyer's UTR claim", §3):
`POST /api/orders/<session_id>/utr` with `{"utr": "412345678901"}`, and the same from the pay and
expired pages' form (with a CSRF token). A claim is a key for matching, never a confirmation.
Rate limited per IP and per booking; every refusal says why and changes nothing."""

import json

from shared.claims import ClaimRefused, claim_utr
from shared.errors import InvalidInput
from shared.validation import SESSION_RE

from .context import WebContext
from .holds import TOO_MANY_TRIES, RateLimited, check_ip_limit
from .http import Route, content_type, error_json, field, form_data, json_body, read_body, redirect
from .pages import pay_page, session_or_404
from .security import csrf_ok

STALE_FORM = "This form was open for too long. Please press the button again."


def check_order_limit(ctx: WebContext, session_id: str) -> None:
    if ctx.claim_order is None:
        return
    wait = ctx.claim_order.hit(session_id)
    if wait:
        raise RateLimited(f"Too many tries for this booking. Please try again in {wait} s.", wait)


def _limited(exc: RateLimited):
    return json_body(
        {"error": exc.message, "code": exc.code, "retry_after": exc.retry_after},
        429,
        {"Retry-After": str(exc.retry_after)},
    )


def claim_api(ctx: WebContext, session_id: str):
    body = read_body(ctx)
    try:
        check_ip_limit(ctx, ctx.claim_ip, TOO_MANY_TRIES)
    except RateLimited as exc:
        return _limited(exc)
    if content_type() != "application/json":
        return error_json(
            415, 'Send the UPI reference as JSON (Content-Type: application/json), like {"utr": "412345678901"}.'
        )
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return error_json(400, "The request body is not valid JSON.")
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("utr"), (str, int))
        or isinstance(payload.get("utr"), bool)
    ):
        return error_json(400, 'The request body must be a JSON object like {"utr": "412345678901"}.')
    if SESSION_RE.match(session_id):
        try:
            check_order_limit(ctx, session_id)
        except RateLimited as exc:
            return _limited(exc)
    try:
        claim = claim_utr(session_id, str(payload["utr"]))
    except InvalidInput as exc:
        return error_json(400, exc.message, code=exc.code)
    except ClaimRefused as exc:
        return error_json(409, exc.message, code=exc.code, reason=exc.reason)
    return json_body({"status": str(claim.state), "claimed_utr": claim.claimed_utr, "changed": claim.changed})


def claim_form(ctx: WebContext, session_id: str):
    session_or_404(session_id)
    form = form_data(ctx)
    typed = field(form, "utr")[:40]
    if not csrf_ok(ctx.config.secret, field(form, "csrf")):
        return pay_page(ctx, session_id, claim_error=STALE_FORM, typed=typed, status=403)
    try:
        check_ip_limit(ctx, ctx.claim_ip, TOO_MANY_TRIES)
        check_order_limit(ctx, session_id)
        claim_utr(session_id, typed)
    except RateLimited as exc:
        return pay_page(ctx, session_id, claim_error=exc.message, typed=typed, status=429)
    except InvalidInput as exc:
        return pay_page(ctx, session_id, claim_error=exc.message, typed=typed, status=400)
    except ClaimRefused as exc:
        if exc.reason == "paid":
            redirect(f"/done/{session_id}", 303)
        return pay_page(ctx, session_id, claim_error=exc.message, typed=typed, status=409)
    redirect(f"/pay/{session_id}#utr", 303)


ROUTES = (
    Route("claim_api", "POST", "/api/orders/<session_id>/utr", claim_api),
    Route("claim_form", "POST", "/pay/<session_id>/utr", claim_form),
)
