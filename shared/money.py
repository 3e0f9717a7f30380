"""Money as integer paise: parsing what people type, and formatting rupees at the edges."""

import re

from .errors import InvalidInput

MAX_PAISE = 10_000_000_00  # ₹1 crore: larger amounts are typing mistakes here

_PREFIX = re.compile(r"^(?:₹|rs\.?|inr)\s*", re.IGNORECASE)
# Digits, grouped by commas the Western way (1,000,000) or the Indian way (10,00,000); the last
# group always has three digits, so "10,50" (₹10.50 written with a decimal comma) is never ₹1,050.
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)(?:\.(\d{1,2}))?$")


def parse_amount(text) -> int:
    """Turn what a person typed ('10', '10.5', '₹10.05', 'Rs. 10.05', '1,000.00') into paise; anything
    else is an error. Only the edges call it (CLI, console dialogs, web forms, the SMS parser)."""
    if isinstance(text, bool):
        raise InvalidInput("Amount must be a number of rupees, like 10 or 10.05.")
    if isinstance(text, int):  # 10 could mean ₹10 or 10 paise: the core takes paise, people type rupees
        if text <= 0:
            raise InvalidInput("Amount must be more than zero.")
        raise InvalidInput("Amount must be rupees as typed, like '10' or '10.05', not a bare number.")
    else:
        raw = str(text).strip()
        body = _PREFIX.sub("", raw).strip()
        if not body:
            raise InvalidInput("Please enter an amount, like 10 or 10.05.")
        if body.startswith("-"):
            raise InvalidInput(f"Amount must be more than zero, not {raw}.")
        match = _NUMBER.match(body)
        if not match:
            if re.match(r"^[\d,]*\.\d{3,}$", body):
                raise InvalidInput(f"Amount {raw} has more than two decimal places; paise go to two places.")
            if re.match(r"^\d+,\d{1,2}$", body):
                raise InvalidInput(f"'{raw}' is not an amount: use a dot for paise, like 10.50.")
            raise InvalidInput(f"'{raw}' is not an amount; write rupees like 10 or 10.05.")
        whole, frac = match.group(1), match.group(2) or ""
        paise = int(whole.replace(",", "")) * 100 + int(frac.ljust(2, "0") or 0)
    if paise <= 0:
        raise InvalidInput("Amount must be more than zero.")
    if paise > MAX_PAISE:
        raise InvalidInput("Amount is too large.")
    return paise


def require_paise(value, what: str = "Amount") -> int:
    """What every core function that takes money checks: a whole number of paise (an int, never a
    bool or rupees text; parse what people type with parse_amount at the edge), more than zero and
    at most MAX_PAISE."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"{what} must be a whole number of paise, not {type(value).__name__}; parse rupees with parse_amount first."
        )
    if value <= 0:
        raise InvalidInput(f"{what} must be more than zero.")
    if value > MAX_PAISE:
        raise InvalidInput(f"{what} is too large.")
    return value


def rupees(paise: int) -> str:
    """'10.03' — always two decimals, no symbol (UPI links, JSON)."""
    sign = "-" if paise < 0 else ""
    paise = abs(int(paise))
    return f"{sign}{paise // 100}.{paise % 100:02d}"


def format_rupees(paise: int) -> str:
    """'₹1,234.05' for people, Indian digit grouping."""
    sign = "-" if paise < 0 else ""
    paise = abs(int(paise))
    whole = str(paise // 100)
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join(groups + [tail])
    return f"{sign}₹{whole}.{paise % 100:02d}"
