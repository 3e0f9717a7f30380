"""HTML page helpers of the buyer web: a page from a template (with the current draw and this
browser's CSRF token), and the site's own error page, which renders even when the database is down."""

from bottle import HTTPResponse, response

from shared.storage_errors import DATABASE_ERRORS

from .context import WebContext, render
from .security import csrf_token


def page(ctx: WebContext, _view: str, status: int = 200, headers: dict | None = None, **values) -> str:
    values.setdefault("draw", ctx.draws.get())
    values.setdefault("title", None)
    values.setdefault("message", None)
    values.setdefault("message_kind", "error")
    body = render(ctx, _view, csrf=csrf_token(ctx.config.secret), **values)
    response.status = status
    response.content_type = "text/html; charset=utf-8"
    response.set_header("Cache-Control", "no-store")
    for key, value in (headers or {}).items():
        response.set_header(key, value)
    return body


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
