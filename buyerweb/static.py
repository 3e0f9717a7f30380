"""Static files (CSS, the one script, icons) with long cache headers: their URLs carry a content
hash (`?v=…`), so a changed file is a new URL."""

from bottle import HTTPError, request, static_file

from .context import STATIC, WebContext
from .http import Route


def static(ctx: WebContext, name: str):
    if name not in ctx.static_versions:
        raise HTTPError(404)
    result = static_file(name, root=str(STATIC))
    if result.status_code < 400:
        if request.query.get("v") == ctx.static_versions[name]:
            result.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            result.set_header("Cache-Control", "public, max-age=300")
    return result


def favicon(ctx: WebContext):
    result = static_file("favicon.svg", root=str(STATIC), mimetype="image/svg+xml")
    result.set_header("Cache-Control", "public, max-age=86400")
    return result


ROUTES = (
    Route("static", "GET", "/static/<name>", static),
    Route("favicon", "GET", "/favicon.ico", favicon),
)
