"""The winner draw as buyers see it (SPEC §2 "Winner draw"), read only.

GET /results (the current draw) and GET /results/<draw number> (any draw, archived ones too):
before the draw, the commitment, the announced public value and the planned prizes;
after it, the winners by prize (redraws with their reason, the earlier winner struck through),
the revealed seed with a server-side check that its SHA-256 is the commitment, the public value,
the list hash and how to check it all at home; /results links every other drawn draw. Each page
asks "Was my ticket in the draw?" (`?q=` a booking reference or a ticket number, answered by
`shared.results.check_entry`, limited per IP like every look-up). GET
/results.json and GET /results/sold.txt (and /results/<n>/results.json, /results/<n>/sold.txt)
are the files a checker needs; GET /verify_draw.py is the standalone checker (buyerweb/static/verify_draw.py,
shipped inside the package, so an installed web serves it too).

The web never draws: it shows what `shared.winner_draw` published. A published document changes only
by a redraw (a new drawing), so the context's ResultsCache keeps it keyed by the number of drawings."""

from bottle import HTTPResponse, request

from shared.db import utcnow
from shared.draws import get_draw
from shared.errors import InvalidInput, NotFound
from shared.reports import drawn_draws
from shared.results import check_entry

from .context import WebContext
from .holds import TOO_MANY_LOOKUPS, RateLimited, check_ip_limit
from .html import page
from .http import Route
from .present import local_iso, terms_values

SCRIPT = "verify_draw.py"
NOT_DRAWN = "The winners have not been drawn yet."


def file_name(draw_id: int) -> str:
    return f"results-draw-{draw_id}.json"


def winners_view(doc: dict) -> list[dict]:
    """Per prize: the current winner and any earlier winner a redraw replaced (names as published)."""
    rows = []
    for row in doc["winners_by_prize"]:
        rows.append(
            {
                "prize": row["prize"],
                "label": row["label"],
                "name": row["name"],
                "drawing": row["drawing"],
                "reason": row["redraw_reason"],
                "earlier": [{"label": e["label"], "name": e["name"], "drawing": e["drawing"]} for e in row["earlier"]],
            }
        )
    return rows


def file_urls(draw_id: int | None) -> dict:
    """The results file and sold list of the current draw (None) or of draw number `draw_id`."""
    if draw_id is None:
        return {"json_url": "/results.json", "sold_url": "/results/sold.txt"}
    return {"json_url": f"/results/{draw_id}/results.json", "sold_url": f"/results/{draw_id}/sold.txt"}


def earlier_draws(shown_id: int | None) -> list[dict]:
    """The other drawn draws, newest first, each with its page."""
    return [{"id": d.id, "name": d.name, "url": f"/results/{d.id}"} for d in drawn_draws() if d.id != shown_id]


def results_values(ctx, draw, number: int | None = None) -> dict:
    """What results.tpl shows for `draw` (the current draw, or None), at /results or, given its
    `number`, at /results/<number>."""
    if draw is None:
        return {"public": None, "pub": None, "earlier": earlier_draws(None), "archived": False}
    published = ctx.results.published(draw)
    if published is None:
        public = ctx.results.commitment(draw)
        return {
            "public": public,
            "pub": None,
            "closed_at": local_iso(public["closed_at"], ctx.zone),
            "announced_at": local_iso(public["announced_at"], ctx.zone),
            "earlier": earlier_draws(draw.id),
            "archived": False,
            **terms_values(draw, utcnow()),
        }
    doc = published.doc
    return {
        "public": {"commitment": doc["commitment"]},
        "pub": published,
        "doc": doc,
        "winners": winners_view(doc),
        "file_name": file_name(draw.id),
        "redrawn": published.drawings > 1,
        "drawn_at": local_iso(doc["drawn_at"], ctx.zone),
        "closed_at": local_iso(doc["closed_at"], ctx.zone),
        "announced_at": local_iso(doc["announced_at"], ctx.zone),
        "last_sale_at": local_iso(doc["last_sale_at"], ctx.zone),
        "earlier": earlier_draws(draw.id),
        "archived": draw.state == "archived",
        **file_urls(number),
        **terms_values(draw, utcnow()),
    }


def _text(body: str | bytes, content_type: str, **headers) -> HTTPResponse:
    result = HTTPResponse(body.encode("utf-8") if isinstance(body, str) else body, status=200)
    result.content_type = content_type
    for name, value in headers.items():
        result.set_header(name.replace("_", "-"), value)
    return result


def numbered_draw(number: int):
    """Draw number `number`, if the web may show it (a draw that exists and is not archived
    unseen: archived draws are shown once drawn)."""
    try:
        return get_draw(number)
    except NotFound:
        raise NotFound(f"There is no draw #{number}.") from None


def drawn(ctx: WebContext, number: int | None = None):
    draw = ctx.draws.get() if number is None else numbered_draw(number)
    if draw is None:
        raise NotFound("There is no draw yet.")
    published = ctx.results.published(draw)
    if published is None:
        raise NotFound(NOT_DRAWN)
    return draw, published


def ticket_check(ctx: WebContext, draw, action: str) -> tuple[dict | None, int, dict]:
    """The "Was my ticket in the draw?" card of `draw`'s results page (a GET form to `action`,
    answered on the same page): what the buyer typed, the answer or the message, and the page's
    status and headers. Every look-up counts against the IP's look-up limit, the one "My tickets"
    uses, so that references cannot be tried by the thousand."""
    if draw is None:
        return None, 200, {}
    check = {"action": action, "typed": "", "answer": None, "error": None}
    if "q" not in request.query:
        return check, 200, {}
    check["typed"] = typed = request.query.getunicode("q", default="")[:60]
    try:
        check_ip_limit(ctx, ctx.lookup_ip, TOO_MANY_LOOKUPS)
        check["answer"] = check_entry(typed, draw.id)
    except RateLimited as exc:
        check["error"] = exc.message
        return check, 429, {"Retry-After": str(exc.retry_after)}
    except (InvalidInput, NotFound) as exc:
        check["error"] = exc.message
        return check, exc.status, {}
    return check, 200, {}


def results_page(ctx: WebContext):
    draw = ctx.draws.get()
    values = results_values(ctx, draw)
    check, status, headers = ticket_check(ctx, draw, "/results")
    title = "Winners" if values["pub"] else "The winner draw"
    return page(ctx, "results.tpl", status=status, headers=headers, title=title, draw=draw, check=check, **values)


def draw_results_page(ctx: WebContext, number: int):
    """/results/<number>: the same page for any draw. An archived draw that was never drawn has no
    results to show."""
    draw = numbered_draw(number)
    if draw.state == "archived" and ctx.results.published(draw) is None:
        raise NotFound(f"Draw #{number} ({draw.name}) ended without a winner draw.")
    values = results_values(ctx, draw, number)
    check, status, headers = ticket_check(ctx, draw, f"/results/{number}")
    title = f"Winners of {draw.name}" if values["pub"] else "The winner draw"
    return page(ctx, "results.tpl", status=status, headers=headers, title=title, draw=draw, check=check, **values)


def results_file(ctx: WebContext, number: int | None = None):
    draw, published = drawn(ctx, number)
    if published.etag in request.headers.get("If-None-Match", ""):
        return HTTPResponse(status=304, ETag=published.etag, Cache_Control="no-cache")
    return _text(
        published.text,
        "application/json; charset=utf-8",
        ETag=published.etag,
        Cache_Control="no-cache",
        Content_Disposition=f'attachment; filename="{file_name(draw.id)}"',
    )


def sold_file(ctx: WebContext, number: int | None = None):
    draw, published = drawn(ctx, number)
    return _text(
        published.sold_text,
        "text/plain; charset=us-ascii",
        Cache_Control="no-cache",
        Content_Disposition=f'inline; filename="sold-tickets-draw-{draw.id}.txt"',
    )


def checker(ctx: WebContext):
    if ctx.checker is None:
        raise NotFound("The checker is not installed with this web.")
    return _text(
        ctx.checker,
        "text/plain; charset=utf-8",
        Cache_Control="public, max-age=3600",
        Content_Disposition=f'inline; filename="{SCRIPT}"',
    )


ROUTES = (
    Route("results_page", "GET", "/results", results_page),
    Route("results_file", "GET", "/results.json", results_file),
    Route("sold_file", "GET", "/results/sold.txt", sold_file),
    Route("draw_results_page", "GET", "/results/<number:int>", draw_results_page),
    Route("draw_results_file", "GET", "/results/<number:int>/results.json", results_file),
    Route("draw_sold_file", "GET", "/results/<number:int>/sold.txt", sold_file),
    Route("checker", "GET", "/verify_draw.py", checker),
)
