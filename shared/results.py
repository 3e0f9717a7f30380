"""Published results: what the buyer web and the exports show of a draw's commitment and, once
drawn, the results document anyone can verify (no mobiles, no full names), and the buyer's
look-up "was my ticket in the draw?" (`check_entry`)."""

import json
from dataclasses import dataclass

from .draws import get_draw
from .errors import InvalidInput, NotFound
from .ids import normalise_reference
from .models import Draw, Order
from .models_winners import Drawing, DrawingWinner, DrawResultMeta
from .states import DrawState, OrderState
from .winner_algorithm import results_document
from .winner_draw import iso_time, prize_plan, result_meta

_cache: dict[int, tuple[tuple, dict, str]] = {}


def public_commitment(draw_id: int | None = None) -> dict:
    """What the buyer web shows from the first page on: the commitment (SHA-256 of the secret
    seed), the announced public value, the planned prizes and the state. Never the seed."""
    draw = get_draw(draw_id)
    meta = result_meta(draw.id)
    plan = prize_plan(draw.id)
    return {
        "draw_id": draw.id,
        "name": draw.name,
        "state": draw.state,
        "sales_open": draw.state == DrawState.OPEN,
        "commitment": draw.seed_hash,
        "announcement": meta.announcement if meta else None,
        "announced_at": iso_time(meta.announced_at) if meta else None,
        "closed_at": iso_time(draw.closed_at),
        "prizes": list(plan.prizes),
        "one_prize_per_buyer": plan.one_prize_per_buyer,
        "drawn": bool(meta and meta.drawn_at),
        "drawn_at": iso_time(meta.drawn_at) if meta else None,
    }


def _document(draw_id: int | None) -> tuple[dict, str] | None:
    draw = get_draw(draw_id)
    history = list(Drawing.select().where(Drawing.draw == draw.id).order_by(Drawing.number))
    if not history:
        return None
    key = (draw.seed_hash, history[-1].id, history[-1].drawn_at, draw.name)  # ids repeat across databases
    cached = _cache.get(draw.id)
    if cached and cached[0] == key:
        return cached[1], cached[2]
    meta = DrawResultMeta.get_by_id(draw.id)
    sold = meta.sold_numbers
    base = results_document(
        draw.name,
        draw.seed,
        meta.public_value or "",
        sold,
        history[0].prize_names,
        public_value_description=meta.announcement or "",
        owners=meta.owner_map if meta.one_prize_per_buyer else None,
        one_prize_per_buyer=meta.one_prize_per_buyer,
        redraws=[d.prize_names for d in history[1:]],
    )
    stored: dict[int, list] = {}
    for row in (
        DrawingWinner.select(DrawingWinner, Drawing.number)
        .join(Drawing)
        .where(Drawing.draw == draw.id)
        .order_by(Drawing.number, DrawingWinner.prize_index)
    ):
        stored.setdefault(row.drawing.number, []).append(row)
    drawings_out = []
    for d, published in zip(history, base["drawings"], strict=True):
        rows = stored.get(d.number, [])
        # Publish what was announced at the draw; a verifier recomputes and compares.
        published["winners"] = [
            {"prize_index": r.prize_index, "prize": r.prize, "ticket": r.ticket, "counter": r.counter} for r in rows
        ]
        published["drawn_at"] = iso_time(d.drawn_at)
        published["reason"] = d.reason
        drawings_out.append((d, rows))
    doc = {
        "version": base["version"],
        "name": base["name"],
        "draw_id": draw.id,
        "commitment": draw.seed_hash,
        "seed": base["seed"],
        "public_value": base["public_value"],
        "public_value_description": base["public_value_description"],
        "announced_at": iso_time(meta.announced_at),
        "closed_at": iso_time(draw.closed_at),
        "last_sale_at": iso_time(meta.last_sale_at),
        "drawn_at": iso_time(meta.drawn_at),
        "list_hash": base["list_hash"],
        "sold_count": len(sold),
        "ticket_digits": draw.width,
        "prizes": base["prizes"],
        "one_prize_per_buyer": base["one_prize_per_buyer"],
        "drawings": base["drawings"],
        "winners_by_prize": _standings(draw, drawings_out),
        "sold": base["sold"],
        "owners": base["owners"],
    }
    text = _to_json(doc)
    _cache[draw.id] = (key, doc, text)
    return doc, text


def _to_json(doc: dict) -> str:
    """Readable header, then the long lists (sold tickets, buyer ids) each on one line."""
    head = {k: v for k, v in doc.items() if k not in ("sold", "owners")}
    text = json.dumps(head, ensure_ascii=False, indent=1)
    tail = "".join(
        f',\n "{k}": {json.dumps(doc[k], ensure_ascii=False, separators=(",", ":"))}' for k in ("sold", "owners")
    )
    return text[:-2] + tail + "\n}\n"


def _standings(draw: Draw, drawings_out) -> list[dict]:
    """Per prize of drawing 1: its current winner (from the latest drawing of that prize) and the
    earlier winners a redraw replaced."""
    first = drawings_out[0][0].prize_names
    standing: dict[str, list[dict]] = {name: [] for name in first}
    for drawing, rows in drawings_out:
        for r in rows:
            standing.setdefault(r.prize, []).append(
                {
                    "drawing": drawing.number,
                    "ticket": r.ticket,
                    "label": draw.label(r.ticket),
                    "name": r.public_name,
                    "reason": drawing.reason,
                }
            )
    out = []
    for index, name in enumerate(first):
        entries = standing[name]
        current = entries[-1]
        out.append(
            {
                "prize_index": index,
                "prize": name,
                "drawing": current["drawing"],
                "ticket": current["ticket"],
                "label": current["label"],
                "name": current["name"],
                "redraw_reason": current["reason"] if current["drawing"] > 1 else "",
                "earlier": [{k: e[k] for k in ("drawing", "ticket", "label", "name")} for e in entries[:-1]],
            }
        )
    return out


def published_results(draw_id: int | None = None) -> dict | None:
    """The public results document of a draw (the current one by default), or None before the
    first drawing. Safe to serve as it is: no mobiles, no full names. It verifies with
    `shared.winner_algorithm.verify_results`, `luckydraw verify` and buyerweb/static/verify_draw.py; extra keys
    (times, names as "Asha P.", `winners_by_prize`) are for the results page."""
    found = _document(draw_id)
    return json.loads(found[1]) if found else None


def results_json(draw_id: int | None = None) -> str | None:
    """published_results() as the JSON text to offer for download (UTF-8), or None before the draw."""
    found = _document(draw_id)
    return found[1] if found else None


def sold_list_text(draw_id: int | None = None) -> str | None:
    """The sold-ticket list exactly as hashed: one number per line, ascending. `sha256sum` of this
    text, saved as a file, is the published list hash. None before the first drawing."""
    draw = get_draw(draw_id)
    meta = result_meta(draw.id)
    if meta is None or meta.sold is None:
        return None
    return "".join(f"{n}\n" for n in meta.sold_numbers)


# --- "Was my ticket in the draw?" ---------------------------------------------------------------

MAX_QUERY = 40


@dataclass(frozen=True)
class TicketEntry:
    """One ticket as the published results tell it: in the hashed sold list or not, the prizes
    it holds now, and the prizes it was drawn for in a drawing that a redraw then replaced."""

    number: int
    label: str
    in_draw: bool
    prizes: tuple[str, ...] = ()
    redrawn: tuple[tuple[str, int], ...] = ()  # (prize, the drawing that picked this ticket)


@dataclass(frozen=True)
class EntryCheck:
    """The answer to one look-up. `kind` is "ticket" or "booking" (what the buyer typed);
    `drawn` is False before the first drawing, and then nothing was looked up. For a booking:
    its `reference`, whether it was `paid`, and its own `tickets`; for a ticket number: that one
    ticket, and nothing about whose it is."""

    draw_id: int
    draw_name: str
    kind: str
    drawn: bool
    tickets: tuple[TicketEntry, ...] = ()
    reference: str | None = None
    paid: bool = False


def _read_query(text, ticket_count: int) -> tuple[str, int | str]:
    """('ticket', 7) or ('booking', 'LD-7K3Q2P') from what the buyer typed; InvalidInput otherwise."""
    raw = str(text or "").strip()
    if not raw:
        raise InvalidInput("Please enter your booking reference (like LD-7K3Q2P) or a ticket number.")
    shown = raw[:20]
    if len(raw) > MAX_QUERY:
        raise InvalidInput(f"'{shown}' is neither a booking reference (like LD-7K3Q2P) nor a ticket number.")
    if raw.isascii() and raw.isdigit():
        number = int(raw)
        if not 1 <= number <= ticket_count:
            if normalise_reference(raw):  # a reference's six characters can all be digits
                raise InvalidInput(
                    f"{raw} is not a ticket number here (they run from 1 to {ticket_count}). "
                    f"If it is your booking reference, type it with LD- in front."
                )
            raise InvalidInput(f"There is no ticket {str(number)[:20]}: numbers run from 1 to {ticket_count}.")
        return "ticket", number
    reference = normalise_reference(raw)
    if reference is None:
        raise InvalidInput(f"'{shown}' is neither a booking reference (like LD-7K3Q2P) nor a ticket number.")
    return "booking", reference


def _entry(number: int, label: str, sold: set[int], doc: dict) -> TicketEntry:
    if number not in sold:
        return TicketEntry(number, label, False)
    prizes: list[str] = []
    redrawn: list[tuple[str, int]] = []
    for row in doc["winners_by_prize"]:
        if row["ticket"] == number:
            prizes.append(row["prize"])
        redrawn.extend((row["prize"], e["drawing"]) for e in row["earlier"] if e["ticket"] == number)
    return TicketEntry(number, label, True, tuple(prizes), tuple(redrawn))


def check_entry(text, draw_id: int | None = None) -> EntryCheck:
    """Was this ticket, or this booking's tickets, in the draw (the current one by default), and
    did it win? Read from the published results: the hashed sold list and the winners. Typed as
    a booking reference (any case, with or without the dash) or a ticket number. Before the
    first drawing nothing is looked up (`drawn` False). A typo is InvalidInput, a reference no
    booking of this draw has is NotFound. Never anything of another buyer: no names, no mobiles,
    and for a ticket number not the other numbers of its booking."""
    draw = get_draw(draw_id)
    kind, key = _read_query(text, draw.ticket_count)
    found = _document(draw.id)
    if found is None:
        return EntryCheck(draw.id, draw.name, kind, drawn=False)
    doc = found[0]
    sold = set(doc["sold"])
    if kind == "ticket":
        number = int(key)
        return EntryCheck(draw.id, draw.name, kind, True, (_entry(number, draw.label(number), sold, doc),))
    order = Order.get_or_none((Order.reference == key) & (Order.draw == draw.id))
    if order is None:
        raise NotFound(f"No booking of this draw has the reference {key}. Check it on your receipt.")
    paid = order.state == OrderState.PAID
    entries = tuple(
        _entry(n, draw.label(n), sold, doc) if paid else TicketEntry(n, draw.label(n), False) for n in order.tickets
    )
    return EntryCheck(draw.id, draw.name, kind, True, entries, reference=order.reference, paid=paid)
