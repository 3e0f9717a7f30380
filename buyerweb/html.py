"""HTML page helpers of the buyer web: a page from a template (with the current draw and this
browser's CSRF token), a page's absolute address, and the site's own error page, which renders
even when the database is down."""

from bottle import HTTPResponse, request, response

from shared.storage_errors import DATABASE_ERRORS

from .addresses import page_path, page_url
from .context import WebContext, render
from .inapp import chrome_intent, in_app_browser, is_android
from .security import csrf_token


def page(ctx: WebContext, _view: str, status: int = 200, headers: dict | None = None, **values) -> str:
    values.setdefault("draw", ctx.draws.get())
    values.setdefault("title", None)
    values.setdefault("message", None)
    values.setdefault("message_kind", "error")
    values.update(in_app_values())
    body = render(ctx, _view, csrf=csrf_token(ctx.config.secret), **values)
    response.status = status
    response.content_type = "text/html; charset=utf-8"
    response.set_header("Cache-Control", "no-store")
    response.set_header("Vary", "User-Agent")
    for key, value in (headers or {}).items():
        response.set_header(key, value)
    return body


def in_app_values() -> dict:
    """What base.tpl's "open in your browser" banner needs: the in-app browser's name (None in an
    ordinary browser), this page's address, and on Android the link that opens it in Chrome."""
    agent = request.get_header("User-Agent", "")
    app = in_app_browser(agent)
    if app is None:
        return {"inapp": None, "page_url": "", "chrome_url": ""}
    path = page_path()
    return {
        "inapp": app,
        "page_url": page_url(),
        "chrome_url": chrome_intent(request.urlparts.netloc, path) if is_android(agent) else "",
    }


def render_error_html(ctx: WebContext, status: int, message: str) -> str:
    try:
        draw = ctx.draws.get()
    except DATABASE_ERRORS:  # the error page must render even when the database is down
        draw = None
    return render(
        ctx, "error.tpl", draw=draw, title="Sorry", status=status, message=message, message_kind="error", csrf=""
    )


def error_page(ctx: WebContext, status: int, message: str, headers: dict | None = None) -> HTTPResponse:
    result = HTTPResponse(render_error_html(ctx, status, message), status=status, **(headers or {}))
    result.content_type = "text/html; charset=utf-8"
    result.set_header("Cache-Control", "no-store")
    return result
