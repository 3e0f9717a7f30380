"""How things look to a buyer: rupees, local times (month names in the buyer's language),
zero-padded numbers, and the current draw (cached for a second per process, since every page
shows it)."""

import threading
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from shared.draws import current_draw

from .i18n import babel_locale

DRAW_CACHE_SECONDS = 1.0
BABEL_FORMATS = {"%d %b %Y, %I:%M %p": "d MMM y, h:mm a", "%I:%M %p": "h:mm a"}


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


def local_zone(name: str | None):
    return ZoneInfo(name) if name else None


def local_time(dt: datetime | None, zone=None, fmt: str = "%d %b %Y, %I:%M %p") -> str:
    """A stored naive-UTC time as the organiser's local time."""
    if dt is None:
        return ""
    aware = dt.replace(tzinfo=timezone.utc).astimezone(zone)
    locale = babel_locale()
    if locale != "en" and fmt in BABEL_FORMATS:  # month names and am/pm in the buyer's language
        return format_datetime(aware, BABEL_FORMATS[fmt], locale=locale)
    text = aware.strftime(fmt)
    return text.replace(" 0", " ").replace("AM", "am").replace("PM", "pm")


def local_iso(iso: str | None, zone=None) -> str:
    """A published UTC time ("2025-01-05T10:31:00Z") as the organiser's local time."""
    if not iso:
        return ""
    try:
        return local_time(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"), zone)
    except ValueError:
        return iso


def iso_utc(dt: datetime | None) -> str | None:
    return dt.replace(microsecond=0).isoformat() + "Z" if dt else None


def seconds_left(expires_at: datetime, now: datetime) -> int:
    return max(0, int((expires_at - now).total_seconds()))


def label(number: int, width: int) -> str:
    return str(number).zfill(width)


def labels(numbers, width: int) -> str:
    return ", ".join(label(n, width) for n in numbers)


def mask_mobile(mobile: str) -> str:
    return mobile[:2] + "•" * 5 + mobile[-3:] if len(mobile) == 10 else mobile
