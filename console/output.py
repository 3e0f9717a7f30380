"""Printing for the command line: plain lines for people, JSON for scripts."""

import json
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone


def local_time(value: datetime | None) -> str:
    """A stored naive-UTC time shown in the organiser's local time zone."""
    if value is None:
        return "-"
    return value.replace(tzinfo=timezone.utc).astimezone().strftime("%d %b %Y %H:%M:%S %Z")


def print_json(value) -> None:
    if is_dataclass(value):
        value = asdict(value)
    print(json.dumps(value, default=str, indent=2, sort_keys=True))
