"""The winner draw as buyers see it (SPEC §2 "Winner draw"), read only.

GET /results: before the draw, the commitment, the announced public value and the planned prizes;
after it, the winners by prize (redraws with their reason, the earlier winner struck through),
the revealed seed with a server-side check that its SHA-256 is the commitment, the public value,
the list hash and how to check it all at home. GET /results.json and GET /results/sold.txt are
the files a checker needs; GET /verify_draw.py is the standalone checker (buyerweb/static/verify_draw.py,
shipped inside the package, so an installed web serves it too).

The web never draws: it shows what `shared.winner_draw` published. A published document changes only
by a redraw (a new drawing), so it is kept in process memory keyed by the number of drawings."""

import hashlib
import json
import threading
import time
from dataclasses import dataclass

from bottle import HTTPResponse, request

from shared import results as published
from shared.errors import NotFound
from shared.models_winners import Drawing
from shared.states import DrawState
from shared.winner_algorithm import check_commitment

from .app import STATIC
from .pages import page
from .present import local_iso

COMMITMENT_CACHE_SECONDS = 1.0
SCRIPT = "verify_draw.py"
NOT_DRAWN = "The winners have not been drawn yet."


@dataclass(frozen=True)
class Published:
    """One draw's published results, ready to serve."""

    doc: dict
    text: str  # the results file, exactly as offered for download
    sold_text: str  # the sold list exactly as hashed (one number a line)
    etag: str
    commitment_ok: bool  # SHA-256(revealed seed) is the commitment published before sales

    @property
    def drawings(self) -> int:
        return len(self.doc["drawings"])


class ResultsCache:
    """The public commitment of the current draw (at most a second old, like the draw itself) and,
    once drawn, its results (kept until a redraw adds a drawing)."""

    def __init__(self):
        self._public: dict[int, tuple[float, str, dict]] = {}
        self._published: dict[int, tuple[str, Published]] = {}
        self._lock = threading.Lock()

    def commitment(self, draw) -> dict:
        now = time.monotonic()
        hit = self._public.get(draw.id)
        if hit and hit[1] == draw.seed_hash and now - hit[0] < COMMITMENT_CACHE_SECONDS:
            return hit[2]
        value = published.public_commitment(draw.id)
        self._public[draw.id] = (now, draw.seed_hash, value)
        return value

    def published(self, draw) -> Published | None:
        """The results of `draw`, or None before its first drawing (one COUNT when cached)."""
        if draw.state == DrawState.OPEN:
            return None
        count = Drawing.select().where(Drawing.draw == draw.id).count()
        if not count:
            return None
        hit = self._published.get(draw.id)
        if hit and hit[0] == draw.seed_hash and hit[1].drawings >= count:
            return hit[1]
        with self._lock:  # at the moment of the draw many look at once: build it once
            hit = self._published.get(draw.id)
            if hit and hit[0] == draw.seed_hash and hit[1].drawings >= count:
                return hit[1]
            text = published.results_json(draw.id)
            sold_text = published.sold_list_text(draw.id)
            if text is None or sold_text is None:
                return None
            doc = json.loads(text)
            value = Published(
                doc=doc,
                text=text,
                sold_text=sold_text,
                etag='"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24] + '"',
                commitment_ok=check_commitment(doc["seed"], draw.seed_hash),
            )
            self._published[draw.id] = (draw.seed_hash, value)
            return value

    def clear(self) -> None:
        self._public.clear()
        self._published.clear()


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


def results_values(ctx, draw) -> dict:
    """What results.tpl shows for `draw` (the current draw, or None)."""
    if draw is None:
        return {"public": None, "pub": None}
    published = ctx.results.published(draw)
    if published is None:
        public = ctx.results.commitment(draw)
        return {
            "public": public,
            "pub": None,
            "closed_at": local_iso(public["closed_at"], ctx.zone),
            "announced_at": local_iso(public["announced_at"], ctx.zone),
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
    }


def _text(body: str | bytes, content_type: str, **headers) -> HTTPResponse:
    result = HTTPResponse(body.encode("utf-8") if isinstance(body, str) else body, status=200)
    result.content_type = content_type
    for name, value in headers.items():
        result.set_header(name.replace("_", "-"), value)
    return result


def install(app, ctx):
    ctx.results = ResultsCache()
    script_path = STATIC / SCRIPT
    script = script_path.read_bytes() if script_path.is_file() else None

    def drawn():
        draw = ctx.draws.get()
        if draw is None:
            raise NotFound("There is no draw yet.")
        published = ctx.results.published(draw)
        if published is None:
            raise NotFound(NOT_DRAWN)
        return draw, published

    @app.get("/results")
    def results_page():
        draw = ctx.draws.get()
        values = results_values(ctx, draw)
        title = "Winners" if values["pub"] else "The winner draw"
        return page(ctx, "results.tpl", title=title, draw=draw, **values)

    @app.get("/results.json")
    def results_file():
        draw, published = drawn()
        if published.etag in request.headers.get("If-None-Match", ""):
            return HTTPResponse(status=304, ETag=published.etag, Cache_Control="no-cache")
        return _text(
            published.text,
            "application/json; charset=utf-8",
            ETag=published.etag,
            Cache_Control="no-cache",
            Content_Disposition=f'attachment; filename="{file_name(draw.id)}"',
        )

    @app.get("/results/sold.txt")
    def sold_file():
        draw, published = drawn()
        return _text(
            published.sold_text,
            "text/plain; charset=us-ascii",
            Cache_Control="no-cache",
            Content_Disposition=f'inline; filename="sold-tickets-draw-{draw.id}.txt"',
        )

    @app.get("/verify_draw.py")
    def checker():
        if script is None:
            raise NotFound("The checker is not installed with this web.")
        return _text(
            script,
            "text/plain; charset=utf-8",
            Cache_Control="public, max-age=3600",
            Content_Disposition=f'inline; filename="{SCRIPT}"',
        )
