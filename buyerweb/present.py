"""How things look to a buyer: local times (month names in the buyer's language), zero-padded
ticket numbers, masked mobiles, and the draw's terms line and planned closing time."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from shared.draw_zone import zone_of
from shared.states import DrawState

from .i18n import babel_locale

BABEL_FORMATS = {"%d %b %Y, %I:%M %p": "d MMM y, h:mm a", "%I:%M %p": "h:mm a"}


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


def terms_values(draw, now: datetime) -> dict:
    """What _terms.tpl shows of `draw`: its terms and permit line (text, never markup), and while
    sales are open and the planned closing time is still to come, that time in the buyer's language
    and the draw's zone; '' for what is not set."""
    if draw is None:
        return {"terms_line": "", "closes_on": ""}
    closes = draw.closes_at
    still_open = draw.state == DrawState.OPEN and closes is not None and closes > now
    return {"terms_line": draw.terms or "", "closes_on": local_time(closes, zone_of(draw)) if still_open else ""}
