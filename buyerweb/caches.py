"""The buyer web's in-process caches, each built once per app by `create_app` and kept on the
context: the current draw (a second old at most: every page shows it), the ticket availability
(recomputed at most once a second) and the winner draw's public commitment and published results
(kept until a redraw adds a drawing)."""

import hashlib
import json
import threading
import time
from dataclasses import dataclass

from shared import results as published
from shared.booking import availability
from shared.draws import current_draw
from shared.reports import drawing_count
from shared.winner_algorithm import check_commitment

DRAW_CACHE_SECONDS = 1.0
AVAILABILITY_CACHE_SECONDS = 1.0
COMMITMENT_CACHE_SECONDS = 1.0


class DrawCache:
    def __init__(self):
        self._draw = None
        self._at = -1e9
        self._lock = threading.Lock()

    def get(self):
        """The current draw, or None when there is none yet; at most a second old."""
        now = time.monotonic()
        if now - self._at < DRAW_CACHE_SECONDS:
            return self._draw
        draw = current_draw(required=False)
        with self._lock:
            self._draw, self._at = draw, now
        return draw

    def clear(self):
        self._at = -1e9


class AvailabilityCache:
    """Availability of the current draw, recomputed at most once a second per process."""

    def __init__(self):
        self._value = None
        self._at = -1e9
        self._lock = threading.Lock()

    def _fresh(self, draw) -> bool:
        value = self._value
        return (
            value is not None
            and time.monotonic() - self._at < AVAILABILITY_CACHE_SECONDS
            and value["draw_id"] == draw.id
        )

    def get(self, draw):
        if self._fresh(draw):
            return self._value
        with self._lock:
            if self._fresh(draw):
                return self._value
            value = availability(draw)
            self._value, self._at = value, time.monotonic()
            return value

    def clear(self):
        self._at = -1e9


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
        if draw.state == "open":
            return None
        count = drawing_count(draw.id)
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
