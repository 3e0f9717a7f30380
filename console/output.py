"""Printing for the command line: plain lines for people, JSON for scripts."""

import json
import sys
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone

from .safe_text import visible


def local_time(value: datetime | None) -> str:
    """A stored naive-UTC time shown in the organiser's local time zone."""
    if value is None:
        return "-"
    return value.replace(tzinfo=timezone.utc).astimezone().strftime("%d %b %Y %H:%M:%S %Z")


def echo(*parts, sep: str = " ", end: str = "\n", file=None) -> None:
    """print() for every line the command line shows a person: what buyers typed or hooks
    delivered is printed with its control characters made visible (an SMS body holding
    `\\x1b]0;pwned\\x07` shows those characters instead of retitling the terminal)."""
    text = sep.join(str(part) for part in parts)
    print(visible(text, keep_newlines=True), end=end, file=file or sys.stdout)


def print_json(value) -> None:
    """JSON for scripts: json.dumps escapes every control character, so the text is safe as it is."""
    if is_dataclass(value):
        value = asdict(value)
    print(json.dumps(value, default=str, indent=2, sort_keys=True))
