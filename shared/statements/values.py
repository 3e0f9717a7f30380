"""Cell values of a bank statement: amounts to integer paise, dates to UTC.

Amounts come as numbers, or as text with commas (Western or Indian grouping), a ₹/INR/Rs prefix,
a `Cr`/`Dr` suffix or a sign; `0.00` and `-` mean no amount. Dates come as spreadsheet dates or in
the banks' own day-first text formats (`01/11/2026`, `01-11-26`, `1 Nov 2026`, `01-Nov-2026`,
with or without a time). A statement's dates are India time (Asia/Kolkata, UTC+05:30 all year);
a row with a date only is placed at 00:00 India time on that day and flagged as date-only, so the
checks that depend on the time (which draw, which bookings existed) compare whole days instead.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from ..errors import InvalidInput
from ..money import MAX_PAISE, parse_amount

INDIA = timezone(timedelta(hours=5, minutes=30), "IST")

_EMPTY = {"", "-", "--", "nil", "na", "n/a", "0", "0.0", "0.00"}
_SUFFIX = re.compile(r"\s*\(?\b(cr|dr|c|d)\b\)?\.?\s*$", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:₹|rs\.?|inr)\s*", re.IGNORECASE)


class CellProblem(InvalidInput):
    """One cell cannot be read; the message names the value."""


def amount_cell(value) -> int | None:
    """The signed amount in paise (credits positive, when the text says Dr or '-' negative);
    None for an empty cell. Raises CellProblem for anything else."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == 0:
            return None
        paise = number * 100
        if paise != paise.to_integral_value():
            if abs(paise - paise.to_integral_value()) > Decimal("0.000001"):
                raise CellProblem(f"amount {value} has more than two decimal places")
        sign = -1 if number < 0 else 1
        return sign * _checked(abs(int(paise.to_integral_value())), value)
    text = " ".join(str(value).split())
    if text.lower() in _EMPTY:
        return None
    sign = 1
    suffix = _SUFFIX.search(text)
    if suffix:
        sign = -1 if suffix.group(1).lower().startswith("d") else 1
        text = text[: suffix.start()].strip()
    text = _PREFIX.sub("", text).strip()
    if text.startswith("(") and text.endswith(")"):
        sign, text = -sign, text[1:-1].strip()
    if text[:1] in "+-":
        sign = sign * (-1 if text[0] == "-" else 1)
        text = text[1:].strip()
    text = _PREFIX.sub("", text).strip()
    if text.lower() in _EMPTY or not text.strip("0.,"):
        return None
    try:
        return sign * parse_amount(text)
    except InvalidInput as err:
        raise CellProblem(f"amount '{str(value)[:30]}' cannot be read: {err.message}") from None


def _checked(paise: int, shown) -> int:
    if paise > MAX_PAISE:
        raise CellProblem(f"amount {shown} is too large")
    return paise


_DATE_FORMATS = [
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d %b %y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d/%b/%Y",
    "%d/%b/%y",
    "%d %B %Y",
    "%d-%B-%Y",
    "%b %d, %Y",
    "%Y-%m-%d",
]
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p")
_TIME_TAIL = re.compile(r"[ T]+(\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[AaPp][Mm])?)$")


@dataclass(frozen=True)
class RowTime:
    """When a row happened: `at` is naive UTC; `day` the India date; `timed` False for date-only rows."""

    at: datetime
    day: date
    timed: bool


def _from_local(moment: datetime, timed: bool) -> RowTime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(INDIA).replace(tzinfo=None)
    utc = moment.replace(tzinfo=INDIA).astimezone(timezone.utc).replace(tzinfo=None)
    return RowTime(utc, moment.date(), timed)


def date_cell(value) -> RowTime | None:
    """The row's time, or None for an empty cell; CellProblem for a cell that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _from_local(value, value.time() != time(0, 0))
    if isinstance(value, date):
        return _from_local(datetime.combine(value, time(0, 0)), False)
    if isinstance(value, int | float):
        raise CellProblem(f"date {value} is a number, not a date")
    text = " ".join(str(value).split()).strip(" ,")
    if not text:
        return None
    clock = None
    tail = _TIME_TAIL.search(text)
    if tail:
        clock = _time(tail.group(1))
        if clock is not None:
            text = text[: tail.start()].strip()
    day = _day(text)
    if day is None:
        raise CellProblem(f"date '{str(value)[:30]}' cannot be read")
    if clock is None:
        return _from_local(day, False)
    return _from_local(datetime.combine(day.date(), clock), True)


def _day(text: str) -> datetime | None:
    global _DATE_FORMATS
    formats = _DATE_FORMATS
    for fmt in formats:
        try:
            day = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt is not formats[0]:  # a statement uses one format: try it first next time (a new list: atomic)
            _DATE_FORMATS = [fmt, *(f for f in formats if f is not fmt)]
        return day if 2000 <= day.year <= 2099 else None
    return None


def _time(text: str) -> time | None:
    text = " ".join(text.upper().replace("AM", " AM").replace("PM", " PM").split())
    text = re.sub(r"\.\d+", "", text)
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    return None


def is_date(value) -> bool:
    try:
        return date_cell(value) is not None
    except CellProblem:
        return False
