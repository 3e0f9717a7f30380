"""The time zone a draw's buyers see (default Asia/Kolkata): times are UTC inside and shown in this
zone at the edges, whatever the clock zone of the server the web runs on."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .db import write_tx
from .draws import current_draw
from .errors import InvalidInput
from .models import Draw, record_event

DEFAULT_ZONE = "Asia/Kolkata"


def parse_zone(name: str) -> str:
    """A checked IANA zone name ('Asia/Kolkata', 'Asia/Dubai', 'UTC'), else InvalidInput."""
    text = (name or "").strip()
    if not text or len(text) > 64 or ".." in text or text.startswith("/"):
        raise InvalidInput("Give a time zone like Asia/Kolkata.")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{text[:40]}' is not a time zone name; for India use Asia/Kolkata.") from None
    return text


def zone_of(draw) -> ZoneInfo:
    """The zone to show `draw`'s times in (the default when the draw has none or an unknown one)."""
    name = getattr(draw, "time_zone", None) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def set_time_zone(name: str) -> str:
    """Set the current draw's time zone (journalled); returns the zone name."""
    zone = parse_zone(name)
    with write_tx():
        draw = current_draw()
        assert draw is not None  # current_draw() raises NotFound when there is none
        Draw.update(time_zone=zone).where(Draw.id == draw.id).execute()
        record_event("draw_settings_changed", draw=draw, time_zone=zone)
    return zone
