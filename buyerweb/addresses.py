"""The address of the page being answered, as a buyer could open it again: a form's POST address
becomes the page the form is on (`/start` → `/`, `/pay/<id>/utr` and `/pay/<id>/cancel` →
`/pay/<id>`); a GET keeps its query (e.g. the grid's selection). For the language links, the
in-app browser's "open in Chrome" banner and the receipt's share link, which must never lead to a
POST-only address."""

from urllib.parse import parse_qsl, urlencode

from bottle import request

FORM_PAGES = {"/start": "/"}
FORM_SUFFIXES = ("/cancel", "/utr")


def page_path(*, drop: tuple[str, ...] = ()) -> str:
    """This page's path and (for a GET) its query without the parameters in `drop`."""
    path = request.path
    if request.method not in ("GET", "HEAD"):
        path = FORM_PAGES.get(path, path)
        for suffix in FORM_SUFFIXES:
            if path.startswith("/pay/"):
                path = path.removesuffix(suffix)
        return path
    query = urlencode([(k, v) for k, v in parse_qsl(request.query_string) if k not in drop])
    return path + ("?" + query if query else "")


def absolute_url(path: str) -> str:
    """`path` (from its leading slash) on this site as the buyer reached it: the request's scheme
    (https when a trusted proxy says so, see http.apply_forwarded) and its host."""
    parts = request.urlparts
    return f"{parts.scheme}://{parts.netloc}{path}"


def page_url(*, drop: tuple[str, ...] = ()) -> str:
    """page_path() as an absolute address (scheme and host as the buyer used them)."""
    return absolute_url(page_path(drop=drop))
