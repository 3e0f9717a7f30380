"""Random identifiers: the buyer's session id and the short payment reference."""

import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or typed, never confused


def new_session_id() -> str:
    """12 random digits from the operating system's CSPRNG."""
    return f"{secrets.randbelow(10**12):012d}"


def new_reference() -> str:
    """Like LD-7K3Q2P: goes into the UPI note so the organiser can match by eye."""
    return "LD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def new_internal_payment_id() -> str:
    """Stands in for the UTR of a payment recorded without one (quick mark, cash)."""
    return "NOUTR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


def normalise_reference(text) -> str | None:
    """'ld 7k3q2p', 'LD7K3Q2P', ' LD-7K3Q2P ' → 'LD-7K3Q2P'; None when it cannot be one."""
    if not text:
        return None
    raw = "".join(ch for ch in str(text).upper() if ch.isalnum())
    if raw.startswith("LD"):
        raw = raw[2:]
    if len(raw) != 6 or any(ch not in REFERENCE_ALPHABET for ch in raw):
        return None
    return "LD-" + raw
