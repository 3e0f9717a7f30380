"""Picking winners so that anyone can check the draw afterwards.

Before sales close the organiser publishes `commitment` = SHA-256 of a secret 32-byte seed
(made with `new_seed`), and names a future public random value (for example "drand round
123456"; the empty string means none). After the draw the seed is revealed together with a
results file; `verify_results` (or the standalone buyerweb/static/verify_draw.py) recomputes everything.

Sold-ticket list hash: the distinct ticket numbers, sorted ascending, each written in decimal
ASCII without leading zeros, each followed by one "\\n" (so [13, 2, 2] -> b"2\\n13\\n");
list_hash = SHA-256 hex of those bytes.

Drawing number d (1 = the first draw, 2, 3, ... = redraws of unclaimed prizes). For prize
after prize, in the order given, with one counter c = 0, 1, 2, ... that runs across all the
prizes of the drawing (a value is never used twice):

    digest = SHA-256( seed (32 bytes)
                      || len(P) as 4-byte big-endian || P      where P = UTF-8 public value
                      || list_hash (32 raw bytes)
                      || d as 4-byte big-endian
                      || c as 8-byte big-endian )
    x = digest as a big-endian integer;  n = number of tickets still in the pool
    if x >= (2**256 // n) * n: reject (no modulo bias), c += 1, try again
    else: winner = pool[x % n], c += 1

The pool starts as the sorted distinct sold tickets minus the excluded tickets (for a redraw,
the winners of all earlier drawings). Each winner leaves the pool. With one prize per buyer,
every ticket of a winner's buyer leaves the pool too, as does every ticket of the buyers of
excluded tickets. A results file's drawing d must exclude exactly the winners of drawings
1..d-1, so a redraw cannot be steered by choosing what to exclude.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Sequence

from .errors import Conflict, InvalidInput

VERSION = 1
_LIMIT = 2**256


@dataclass(frozen=True)
class Winner:
    prize_index: int  # 0-based position in the drawing's prize list
    prize: str
    ticket: int
    counter: int  # the counter value whose digest picked this ticket


@dataclass(frozen=True)
class VerifyOutcome:
    ok: bool
    problems: list[str] = field(default_factory=list)


def new_seed() -> str:
    return secrets.token_bytes(32).hex()


def _seed_bytes(seed_hex) -> bytes:
    if not isinstance(seed_hex, str) or len(seed_hex) != 64:
        raise InvalidInput("The seed must be 64 hexadecimal characters (32 bytes).")
    try:
        return bytes.fromhex(seed_hex)
    except ValueError:
        raise InvalidInput("The seed must contain only hexadecimal characters 0-9 and a-f.") from None


def commitment(seed_hex: str) -> str:
    return hashlib.sha256(_seed_bytes(seed_hex)).hexdigest()


def check_commitment(seed_hex: str, commitment_hex: str) -> bool:
    try:
        expected = commitment(seed_hex)
    except InvalidInput:
        return False
    if not isinstance(commitment_hex, str) or not commitment_hex.isascii():
        return False
    return hmac.compare_digest(expected, commitment_hex.lower())


def _tickets(numbers, what="Sold tickets") -> list[int]:
    if not isinstance(numbers, (list, tuple, set, frozenset)):
        raise InvalidInput(f"{what} must be a list of ticket numbers.")
    for n in numbers:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInput(f"{what} must be whole numbers 0 or more; {n!r} is not.")
    return sorted(set(numbers))


def ticket_list_hash(numbers: list[int]) -> str:
    canonical = "".join(f"{n}\n" for n in _tickets(numbers)).encode("ascii")
    return hashlib.sha256(canonical).hexdigest()


def pick_index(x: int, n: int) -> int | None:
    """x % n when x is below the largest multiple of n that fits in 256 bits, else None (reject)."""
    return None if x >= (_LIMIT // n) * n else x % n


def _digest(prefix: bytes, counter: int) -> bytes:
    return hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest()


def pick_winners(
    seed_hex: str,
    public_value: str,
    sold: list[int],
    prizes: list[str],
    *,
    owners: dict[int, str] | None = None,
    one_prize_per_buyer: bool = False,
    drawing_number: int = 1,
    exclude=frozenset(),
) -> list[Winner]:
    """The winners of one drawing, exactly as the module docstring describes."""
    seed = _seed_bytes(seed_hex)
    if not isinstance(public_value, str):
        raise InvalidInput("The public value must be text (it may be empty).")
    if isinstance(drawing_number, bool) or not isinstance(drawing_number, int) or not 1 <= drawing_number < 2**32:
        raise InvalidInput("The drawing number must be 1 for the first draw, 2, 3, ... for redraws.")
    if not isinstance(prizes, (list, tuple)) or not prizes or not all(isinstance(p, str) and p.strip() for p in prizes):
        raise InvalidInput("Give at least one prize, each with a name.")
    pool = _tickets(sold)
    if not pool:
        raise Conflict("No tickets were sold, so there is nobody to draw.")
    excluded = set(_tickets(exclude, "Excluded tickets"))
    if excluded - set(pool):
        raise InvalidInput(f"Excluded ticket(s) {sorted(excluded - set(pool))} were never sold.")
    owner = _owners(owners, pool, required=one_prize_per_buyer)
    if one_prize_per_buyer:
        gone = {owner[t] for t in excluded}
        pool = [t for t in pool if owner[t] not in gone]
        can_win, unit = len({owner[t] for t in pool}), "buyers who can still win (one prize each)"
    else:
        pool = [t for t in pool if t not in excluded]
        can_win, unit = len(pool), "tickets that can still win"
    if len(prizes) > can_win:
        raise Conflict(f"There are {len(prizes)} prizes but only {can_win} {unit}.")
    pv = public_value.encode("utf-8")
    prefix = (
        seed
        + len(pv).to_bytes(4, "big")
        + pv
        + bytes.fromhex(ticket_list_hash(sold))
        + drawing_number.to_bytes(4, "big")
    )
    winners, counter = [], 0
    for prize_index, prize in enumerate(prizes):
        while True:
            index = pick_index(int.from_bytes(_digest(prefix, counter), "big"), len(pool))
            counter += 1
            if index is not None:
                break
        ticket = pool[index]
        winners.append(Winner(prize_index, prize, ticket, counter - 1))
        if one_prize_per_buyer:
            pool = [t for t in pool if owner[t] != owner[ticket]]
        else:
            del pool[index]
    return winners


def _owners(owners, sold: list[int], required: bool) -> dict[int, str]:
    owners = {} if owners is None else owners
    if not isinstance(owners, dict):
        raise InvalidInput("Owners must map ticket numbers to buyer ids.")
    unsold = set(owners) - set(sold)
    if unsold:
        raise InvalidInput(f"Owners are given for ticket(s) that were not sold: {sorted(unsold, key=str)}.")
    for ticket, buyer in owners.items():
        if not isinstance(buyer, str) or not buyer.strip():
            raise InvalidInput(f"Ticket {ticket} needs a buyer id (text).")
        if buyer.lstrip("+").isdigit() and len(buyer.lstrip("+")) >= 10:
            raise InvalidInput(f"Ticket {ticket}: buyer ids are published, so use an opaque id, not a mobile number.")
    if required and len(owners) != len(sold):
        missing = [t for t in sold if t not in owners]
        raise InvalidInput(f"One prize per buyer needs the buyer of every sold ticket; missing for {missing[:10]}.")
    return owners


def _winner_dicts(winners: list[Winner]) -> list[dict]:
    return [asdict(w) for w in winners]


def results_document(
    name: str,
    seed_hex: str,
    public_value: str,
    sold: list[int],
    prizes: list[str],
    *,
    public_value_description: str = "",
    owners: dict[int, str] | None = None,
    one_prize_per_buyer: bool = False,
    redraws: Sequence[Sequence[str]] = (),
) -> dict:
    """The published results: drawing 1 for `prizes`, then one redraw per entry of `redraws`
    (each a list of prize names), each excluding every earlier winner."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("The draw needs a name.")
    drawings: list[dict] = []
    earlier: list[int] = []
    for number, these in enumerate([prizes, *redraws], start=1):
        won = pick_winners(
            seed_hex,
            public_value,
            sold,
            list(these),
            owners=owners,
            one_prize_per_buyer=one_prize_per_buyer,
            drawing_number=number,
            exclude=earlier,
        )
        drawings.append(
            {"number": number, "prizes": list(these), "exclude": sorted(earlier), "winners": _winner_dicts(won)}
        )
        earlier = earlier + [w.ticket for w in won]
    return {
        "version": VERSION,
        "name": name,
        "commitment": commitment(seed_hex),
        "seed": seed_hex.lower(),
        "public_value": public_value,
        "public_value_description": public_value_description,
        "sold": _tickets(sold),
        "list_hash": ticket_list_hash(sold),
        "prizes": list(prizes),
        "one_prize_per_buyer": one_prize_per_buyer,
        "owners": {str(t): b for t, b in sorted((owners or {}).items())},
        "drawings": drawings,
    }


def verify_results(doc: dict) -> VerifyOutcome:
    problems: list[str] = []
    try:
        _verify(doc, problems)
    except (KeyError, TypeError, ValueError, AttributeError, InvalidInput, Conflict) as exc:
        problems.append(f"the results file is malformed: {type(exc).__name__}: {exc}")
    return VerifyOutcome(not problems, problems)


def _verify(doc: dict, problems: list[str]) -> None:
    if doc.get("version") != VERSION:
        problems.append(f"unknown results version {doc.get('version')!r}; this checker knows {VERSION}")
        return
    seed, sold = doc["seed"], doc["sold"]
    if not check_commitment(seed, doc["commitment"]):
        shown = commitment(seed) if len(seed) == 64 else "(seed is not 64 hex characters)"
        problems.append(f"commitment mismatch: published {doc['commitment']}, SHA-256 of the revealed seed is {shown}")
    if sold != _tickets(sold):
        problems.append("the sold ticket list is not sorted and distinct")
    if doc["list_hash"] != ticket_list_hash(sold):
        problems.append(
            f"list hash mismatch: published {doc['list_hash']}, the sold list hashes to {ticket_list_hash(sold)}"
        )
    owners = {int(t): b for t, b in doc["owners"].items()} if doc["owners"] else None
    drawings = doc["drawings"]
    if not drawings or drawings[0]["prizes"] != doc["prizes"]:
        problems.append("drawing 1 must be for exactly the listed prizes")
    earlier: list[int] = []
    for position, drawing in enumerate(drawings, start=1):
        if drawing["number"] != position:
            problems.append(f"drawing {position} is numbered {drawing['number']}; number them 1, 2, 3, ...")
        if sorted(drawing["exclude"]) != sorted(earlier):
            problems.append(
                f"drawing {position} excludes {sorted(drawing['exclude'])} but must exclude exactly "
                f"the earlier winners {sorted(earlier)}"
            )
        expected = pick_winners(
            seed,
            doc["public_value"],
            sold,
            drawing["prizes"],
            owners=owners,
            one_prize_per_buyer=doc["one_prize_per_buyer"],
            drawing_number=position,
            exclude=earlier,
        )
        published = drawing["winners"]
        if len(published) != len(expected):
            problems.append(f"drawing {position} publishes {len(published)} winners, expected {len(expected)}")
        for want, got in zip(_winner_dicts(expected), published):
            if got != want:
                problems.append(
                    f"drawing {position}, prize {want['prize_index'] + 1} ({want['prize']!r}): "
                    f"published ticket {got.get('ticket')!r} (counter {got.get('counter')!r}), "
                    f"expected ticket {want['ticket']} (counter {want['counter']})"
                )
        earlier += [w["ticket"] for w in _winner_dicts(expected)]


def verify_file(path) -> VerifyOutcome:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        return VerifyOutcome(False, [f"cannot read results file {path}: {exc}"])
    if not isinstance(doc, dict):
        return VerifyOutcome(False, ["the results file must hold a JSON object"])
    return verify_results(doc)
