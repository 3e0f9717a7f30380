"""Request hygiene: security headers, CSRF tokens for HTML forms, the signed cookie that remembers a
buyer's name and mobile between pages, and the signed cookie that names the bookings this browser
made (only that browser may cancel them)."""

import base64
import hashlib
import hmac
import json
import secrets

from bottle import request, response

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
    "manifest-src 'self'"
)
SECURITY_HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
]

# Sent only on answers to HTTPS requests (the scheme after trusted-proxy handling): browsers then
# refuse plain HTTP to this site for a year.
HSTS = ("Strict-Transport-Security", "max-age=31536000")

CSRF_COOKIE = "ld_csrf"
BUYER_COOKIE = "ld_buyer"
LAST_ORDER_COOKIE = "ld_last"
OWNER_COOKIE = "ld_owner"
OWNED_KEPT = 12  # the newest bookings a browser can cancel (more than a buyer has pending at once)
OWNER_COOKIE_AGE = 24 * 3600


def _sign(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def csrf_token(secret: bytes) -> str:
    """The token for this browser's forms (signed double-submit: cookie + HMAC of it in the form)."""
    seed = request.environ.get("luckydraw.csrf_seed") or request.get_cookie(CSRF_COOKIE) or ""
    if len(seed) != 32 or not all(c in "0123456789abcdef" for c in seed):
        seed = secrets.token_hex(16)
        response.set_cookie(
            CSRF_COOKIE, seed, path="/", httponly=True, samesite="strict", secure=request.urlparts.scheme == "https"
        )
    request.environ["luckydraw.csrf_seed"] = seed
    return _sign(secret, "csrf", seed)


def _same(expected: str, given: str) -> bool:
    """Constant-time comparison of two texts, whatever a client sent (compare_digest refuses a str
    with characters beyond ASCII: compare their UTF-8 bytes)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def csrf_ok(secret: bytes, form_token: str | None) -> bool:
    seed = request.get_cookie(CSRF_COOKIE) or ""
    if not seed or not form_token:
        return False
    return _same(_sign(secret, "csrf", seed), str(form_token))


def remember_last_booking(session_id: str, target=None) -> None:
    """The browser's newest booking (the home page offers to go back to it), for a day."""
    (target if target is not None else response).set_cookie(
        LAST_ORDER_COOKIE,
        session_id,
        path="/",
        httponly=True,
        samesite="lax",
        max_age=24 * 3600,
        secure=request.urlparts.scheme == "https",
    )


def set_signed_cookie(secret: bytes, name: str, data: dict, max_age: int, target=None) -> None:
    """Set a cookie holding `data`, signed, on `target` (default: Bottle's response)."""
    raw = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
    (target if target is not None else response).set_cookie(
        name,
        f"{raw}.{_sign(secret, name, raw)}",
        path="/",
        httponly=True,
        samesite="lax",
        max_age=max_age,
        secure=request.urlparts.scheme == "https",
    )


def get_signed_cookie(secret: bytes, name: str) -> dict | None:
    value = request.get_cookie(name) or ""
    raw, _, sig = value.partition(".")
    if not raw or not sig or len(value) > 2048 or not _same(_sign(secret, name, raw), sig):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def owned_bookings(secret: bytes) -> list[str]:
    """The session ids of the bookings this browser made (from its signed owner cookie)."""
    data = get_signed_cookie(secret, OWNER_COOKIE) or {}
    owned = data.get("s")
    return [sid for sid in owned if isinstance(sid, str)] if isinstance(owned, list) else []


def remember_booking(secret: bytes, session_id: str, target=None) -> None:
    """Bind a new booking to this browser: add it to the signed owner cookie (newest kept)."""
    owned = [sid for sid in owned_bookings(secret) if sid != session_id][-(OWNED_KEPT - 1) :]
    set_signed_cookie(secret, OWNER_COOKIE, {"s": [*owned, session_id]}, OWNER_COOKIE_AGE, target)


def owns_booking(secret: bytes, session_id: str) -> bool:
    return any(_same(sid, session_id) for sid in owned_bookings(secret))
