"""Checks for what buyers and organisers type: names, mobiles, UTRs, ticket lists, UPI IDs, a
draw's terms line and a local date and time."""

import re
import unicodedata
from collections import Counter
from datetime import datetime, timezone, tzinfo

from .errors import InvalidInput

UTR_RE = re.compile(r"^[0-9]{12}$")  # ASCII digits only: "१२३…" would dodge the duplicate check
VPA_RE = re.compile(r"^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}$")
INDIC_JOINERS = " \t\u200c\u200d"  # zero-width (non-)joiners are part of correctly typed Indic names
SESSION_RE = re.compile(r"^[0-9]{12}$")
REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co")  # control, format (bidi overrides…), surrogates, private use
TERMS_MAX = 300
LINE_BREAKS = "\n\r"  # a pasted terms text of several lines becomes one paragraph
LOCAL_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M")


def clean_name(text, what: str = "Name") -> str:
    """Trim and collapse spaces; 1–80 characters; no control characters."""
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be text.")
    if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in text if ch not in INDIC_JOINERS):
        raise InvalidInput(f"{what} contains characters that cannot be used.")
    name = " ".join(text.split())
    if not name:
        raise InvalidInput(f"Please enter a {what.lower()}.")
    if len(name) > 80:
        raise InvalidInput(f"{what} is too long: at most 80 characters, this has {len(name)}.")
    return name


def clean_terms(text) -> str | None:
    """A draw's terms and permit line ("Permission no. 123/2026 of the District Collector, Pune.
    Terms: one prize per ticket"): one paragraph (line breaks and runs of spaces become one space),
    at most 300 characters, no control characters; None when there is nothing."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput("Terms must be text.")
    for ch in text:
        if ch not in INDIC_JOINERS + LINE_BREAKS and unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise InvalidInput(
                f"Terms contain a control character (U+{ord(ch):04X}) that cannot be shown or printed; remove it."
            )
    terms = " ".join(text.split())
    if len(terms) > TERMS_MAX:
        raise InvalidInput(f"Terms are too long: at most {TERMS_MAX} characters, this has {len(terms)}.")
    return terms or None


def parse_local_time(text, zone: tzinfo, what: str = "Closing time") -> datetime:
    """A date and 24-hour time as a person types it in `zone` ('2026-12-25 18:00', also
    '2026-12-25T18:00' and '25/12/2026 18:00'), as naive UTC (how times are stored)."""
    raw = str(text or "").strip()
    for pattern in LOCAL_TIME_FORMATS:
        try:
            local = datetime.strptime(" ".join(raw.split()), pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    where = getattr(zone, "key", None) or str(zone)
    raise InvalidInput(
        f"{what} must be a date and a 24-hour time like 2026-12-25 18:00 ({where} time); '{raw[:30]}' is not."
    )


def local_time_text(moment: datetime | None, zone: tzinfo) -> str:
    """A stored naive-UTC time as `parse_local_time` reads it back: '2026-12-25 18:00' in `zone`."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def parse_mobile(text) -> str:
    """An Indian mobile: 10 digits starting 6–9; +91 / 91 / 0 prefixes and spaces or dashes allowed."""
    if not isinstance(text, (str, int)) or isinstance(text, bool):
        raise InvalidInput("Mobile number must be 10 digits, like 98765 43210.")
    raw = str(text).strip()
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if not digits.isdigit() or not digits.isascii():
        raise InvalidInput(f"'{raw[:20]}' is not a mobile number; use 10 digits, like 98765 43210.")
    if len(digits) != 10:
        raise InvalidInput(f"Mobile number must have 10 digits; '{raw[:20]}' has {len(digits)}.")
    if digits[0] not in "6789":
        raise InvalidInput("An Indian mobile number starts with 6, 7, 8 or 9.")
    return digits


def parse_utr(text) -> str:
    """The 12-digit UPI transaction reference (spaces allowed while typing)."""
    utr = re.sub(r"\s", "", str(text or ""))
    if not UTR_RE.match(utr):
        raise InvalidInput(f"UTR must be exactly 12 digits; '{str(text)[:30]}' is not.")
    return utr


VPA_NAME_RE = re.compile(r"^[A-Za-z0-9._-]*$")
VPA_HANDLE_RE = re.compile(r"^[A-Za-z0-9.-]*$")


def parse_vpa(text) -> str:
    """A UPI ID (VPA): name@handle; a refusal says which part breaks which rule."""
    vpa = str(text or "").strip()
    if not VPA_RE.match(vpa):
        error = InvalidInput(f"'{vpa[:40]}' is not a UPI ID: {_vpa_problem(vpa)}.")
        error.field = "payee_vpa"
        raise error
    return vpa


def _vpa_problem(vpa: str) -> str:
    """What exactly is wrong with a VPA that VPA_RE refused, by the same rules."""
    if not vpa:
        return "it is empty (a UPI ID looks like name@bank, e.g. asha@okaxis)"
    if vpa.count("@") == 0:
        return "it has no @ (a UPI ID looks like name@bank, e.g. asha@okaxis)"
    if vpa.count("@") > 1:
        return "it has more than one @"
    name, handle = vpa.split("@")
    if len(name) < 2:
        return f"the part before @ must be at least 2 characters; '{name}' has {len(name)}"
    if len(name) > 256:
        return "the part before @ must be at most 256 characters"
    if not VPA_NAME_RE.match(name):
        return "the part before @ may only have letters, digits, '.', '_' and '-'"
    if not handle[:1].isascii() or not handle[:1].isalpha():
        return "the bank handle after @ must start with a letter"
    if len(handle) < 2:
        return "the bank handle after @ must be at least 2 characters"
    if len(handle) > 64:
        return "the bank handle after @ must be at most 64 characters"
    return "the bank handle after @ may only have letters, digits, '.' and '-'"


def parse_ticket_list(value, ticket_count: int, max_per_order: int) -> list[int]:
    """A list of distinct ticket numbers in 1..ticket_count, at most max_per_order of them.

    Accepts a list of ints (or digit strings) or text like '7, 8, 9'.
    """
    limit = max(max_per_order, 1) * 4 + 100  # anything longer is refused before it is read
    if isinstance(value, str):
        if len(value) > limit * 12:
            raise InvalidInput(f"Too many tickets: at most {max_per_order} per booking.")
        parts = [p for p in re.split(r"[\s,]+", value.strip()) if p]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise InvalidInput("Tickets must be a list of numbers.")
    if len(parts) > limit:
        raise InvalidInput(f"Too many tickets: at most {max_per_order} per booking.")
    if not parts:
        raise InvalidInput("Please pick at least one ticket.")
    numbers = []
    for part in parts:
        if isinstance(part, bool):
            raise InvalidInput("Tickets must be whole numbers.")
        if isinstance(part, int):
            number = part
        elif isinstance(part, str) and part.strip().isdigit() and part.strip().isascii() and len(part.strip()) < 10:
            number = int(part.strip())
        else:
            raise InvalidInput(f"'{str(part)[:12]}' is not a ticket number.")
        if not 1 <= number <= ticket_count:
            raise InvalidInput(f"There is no ticket {number}: numbers run from 1 to {ticket_count}.")
        numbers.append(number)
    dupes = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if dupes:
        raise InvalidInput(f"Ticket {', '.join(map(str, dupes))} is listed more than once.")
    if len(numbers) > max_per_order:
        raise InvalidInput(f"At most {max_per_order} tickets per booking; you picked {len(numbers)}.")
    return sorted(numbers)
