"""Request hygiene: security headers, CSRF tokens for HTML forms, and the
signed cookie that remembers a buyer's name and mobile between pages."""

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

CSRF_COOKIE = "ld_csrf"
BUYER_COOKIE = "ld_buyer"
LAST_ORDER_COOKIE = "ld_last"


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


def csrf_ok(secret: bytes, form_token: str | None) -> bool:
    seed = request.get_cookie(CSRF_COOKIE) or ""
    if not seed or not form_token:
        return False
    return hmac.compare_digest(_sign(secret, "csrf", seed), str(form_token))


def set_signed_cookie(secret: bytes, name: str, data: dict, max_age: int) -> None:
    raw = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
    response.set_cookie(
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
    if not raw or not sig or len(value) > 2048 or not hmac.compare_digest(_sign(secret, name, raw), sig):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
