"""Excel export of one draw: Summary, Bookings, Tickets, Payments and Winners sheets in one workbook.

The workbook is streamed (openpyxl write-only mode), rows are read from the database in keyset
pages inside one read transaction (a consistent snapshot), so a draw of 100,000 tickets exports in
bounded memory. The file is written under a temporary name in the destination folder and renamed
when complete: a half-written export never appears under the final name.

Spreadsheet safety: mobiles, UTRs, ticket numbers and references are text cells (so `0987…`
keeps its zero), and anything a person typed that a spreadsheet could run as a formula (starting
with = + - @, tab or CR) is written as text with a leading apostrophe.

The winner draw: the Summary carries what makes the draw checkable (commitment, announced public
value, sold-ticket list hash) and, only once drawn, the revealed seed; before the draw the seed is
nowhere in the workbook. The Winners sheet lists every drawing (the draw, then each redraw) with
the winners' contact details, for the organiser.
"""

import os
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from peewee import JOIN, fn

from .dashboard import claimants
from .db import database, is_sqlite, utcnow
from .draws import get_draw
from .errors import ExportFailed
from .lifecycle import hold_is_live
from .models import Draw, Order, Payment, Ticket
from .results import public_commitment, published_results
from .statements.audit import audit_draw, audit_rows
from .states import OrderState, PaymentState, TicketState
from .stats import draw_stats
from .winner_draw import DrawingResult, drawings

PAGE = 2000  # rows per database read
PROGRESS_EVERY = 1000  # rows between progress callbacks
# Rupees in Indian digit grouping (₹1,00,000.00, ₹1,23,45,678.90): Excel's conditional sections
# put the lakh and crore commas in as literals; below a lakh both groupings agree.
RUPEES = '[>=10000000]"₹"##\\,##\\,##\\,##0.00;[>=100000]"₹"##\\,##\\,##0.00;"₹"#,##0.00'
TEXT = "@"
WHEN = "yyyy-mm-dd hh:mm:ss"
MIN_WIDTH, MAX_WIDTH, SUMMARY_WIDTH = 8, 60, 80
CELL_LIMIT = 32_767  # characters a spreadsheet cell holds
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BOLD = Font(bold=True)

try:
    import fcntl
except ImportError:  # Windows: no flock; one process exports at a time
    fcntl = None  # type: ignore[assignment]

STATUS_LABELS = {"matched": "MATCHED", "unmatched": "UNMATCHED", "attention": "NEEDS ATTENTION", "refunded": "REFUNDED"}
REASON_LABELS = {
    "late_taken": "late payment; its numbers were taken since",
    "double_payment": "possible double payment",
    "after_draw": "late payment after the winners were drawn; refund",
    "claim_mismatch": "UTR handed in by a buyer, but the amount or reference points elsewhere",
    "other_draw": "its reference names a booking of another draw",
    "quick_marks_ambiguous": "fits several payments recorded without a UTR",
}

Progress = Callable[[int, int], None]


def safe_text(value) -> str:
    """Text that a spreadsheet shows as typed and never runs as a formula."""
    text = _ILLEGAL_XML.sub("\ufffd", str(value))[: CELL_LIMIT - 1]
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


def rupees_value(paise: int) -> Decimal:
    """Exact rupees for a number cell (paise stay integers everywhere else)."""
    return Decimal(int(paise)) / 100


@dataclass(frozen=True)
class Column:
    header: str
    # text: a text cell ('@'): mobiles, UTRs, ticket numbers, references;
    # typed: what a person typed (a text cell when it could be mistaken for a formula or an error);
    # word: our own vocabulary (free, MATCHED…); money: rupees; count: a whole number; time: local time.
    kind: str


class Clock:
    """Turns stored naive-UTC times into the organiser's local time and names the zone."""

    def __init__(self, zone: tzinfo | None, now: datetime):
        self.zone = zone
        here = self.aware(now)
        offset = here.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign = "+" if minutes >= 0 else "-"
        self.offset = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        self.abbrev = here.tzname() or self.offset
        plain = self.abbrev == self.offset or (self.abbrev == "UTC" and minutes == 0)
        self.name = self.abbrev if plain else f"{self.abbrev} ({self.offset})"

    def aware(self, value: datetime) -> datetime:
        return value.replace(tzinfo=timezone.utc).astimezone(self.zone)

    def local(self, value: datetime | None) -> datetime | None:
        """For a date cell: naive local time (Excel has no zones; the header names it)."""
        return None if value is None else self.aware(value).replace(tzinfo=None, microsecond=0)

    def text(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        here = self.aware(value)
        return f"{here:%d %b %Y %H:%M:%S} {here.tzname() or self.offset}"


class Counter:
    """Counts written rows and reports progress about every PROGRESS_EVERY rows."""

    def __init__(self, total: int, callback: Progress | None):
        self.total, self.callback, self.done = total, callback, 0
        self._next = PROGRESS_EVERY

    def step(self) -> None:
        self.done += 1
        if self.done >= self._next:
            self._next += PROGRESS_EVERY
            if self.callback is not None:
                self.callback(self.done, self.total)

    def finish(self) -> None:
        self.total = max(self.total, self.done)
        self.done = self.total
        if self.callback is not None:
            self.callback(self.done, self.total)


class SheetWriter:
    """One streamed sheet: bold frozen header, widths from a sample, typed and formatted cells.

    Each styled column has one WriteOnlyCell whose style is set once and whose value changes row
    by row: a write-only sheet writes an appended row to its stream at once, so the cell is free
    again when `append` returns. This keeps 100,000-row sheets fast."""

    FORMATS = {"text": TEXT, "label": TEXT, "money": RUPEES, "time": WHEN}

    def __init__(self, wb: Workbook, title: str, columns: list[Column], counter: Counter, autofilter: bool = True):
        self.ws = wb.create_sheet(title)
        self.columns = columns
        self.counter = counter
        self.autofilter = autofilter
        self.rows = 0

    def write(self, rows: Iterable[tuple], longest: dict[int, int] | None = None) -> None:
        """Write every row; widths come from the headers, the first page and `longest` (by column)."""
        rows = iter(rows)
        sample = list(islice(rows, PAGE))
        self._set_widths(sample, longest or {})
        self._write_header()
        makers = [self.cell_maker(column.kind) for column in self.columns]
        append, step = self.ws.append, self.counter.step
        for chunk in (sample, rows):
            for row in chunk:
                append([None if value is None else make(value) for make, value in zip(makers, row)])
                step()
                self.rows += 1
        if self.autofilter:
            last = get_column_letter(len(self.columns))
            self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"

    def cell_maker(self, kind: str) -> Callable:
        """A function turning a value of `kind` into what `append` takes (a styled cell or the value)."""
        if kind in ("count", "word"):
            return _same
        if kind == "typed":
            guarded = self.cell_maker("text")
            return lambda value: value if _plain_text(value) else guarded(value)
        cell = WriteOnlyCell(self.ws)
        cell.number_format = self.FORMATS[kind]
        if kind == "label":
            cell.font = _BOLD
        if kind in ("text", "label"):

            def make(value):
                cell.value = safe_text(value)
                cell.data_type = "s"  # never a formula, never an error value such as '#N/A'
                return cell
        elif kind == "money":

            def make(paise):
                cell.value = rupees_value(paise)
                return cell
        else:

            def make(value):
                cell.value = value
                return cell

        return make

    def _write_header(self) -> None:
        self.ws.freeze_panes = "A2"
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.ws, column.header)
            cell.font = _BOLD
            header.append(cell)
        self.ws.append(header)

    def _set_widths(self, sample: list[tuple], longest: dict[int, int]) -> None:
        for index, column in enumerate(self.columns):
            width = max(
                [len(column.header), longest.get(index, 0)]
                + [_shown_length(column.kind, row[index]) for row in sample if row[index] is not None]
            )
            self._width(index, width, MAX_WIDTH)

    def _width(self, index: int, width: int, most: int) -> None:
        self.ws.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, MIN_WIDTH), most)


def _same(value):
    return value


def _plain_text(value) -> bool:
    """Whether a string can go in as it is: openpyxl makes it a text cell and a spreadsheet shows
    it as typed (no formula start, no error value such as '#N/A', nothing XML cannot hold)."""
    return (
        isinstance(value, str)
        and len(value) < CELL_LIMIT
        and not value.startswith(FORMULA_STARTS)
        and value not in ERROR_CODES
        and not _ILLEGAL_XML.search(value)
    )


def _shown_length(kind: str, value) -> int:
    if kind == "money":
        return len(f"₹{rupees_value(value):,.2f}")
    if kind == "time":
        return len(WHEN)
    return len(str(value)) + (1 if kind in ("text", "typed", "label") and str(value).startswith(FORMULA_STARTS) else 0)


def _longest(column, where) -> int:
    """The longest stored text of a column (sizes columns that the first page may not show)."""
    return int(column.model.select(fn.MAX(fn.LENGTH(column))).where(where).scalar() or 0) + 1


# ---------------------------------------------------------------------------------------------
# Sheets


def _summary_rows(draw: Draw, clock: Clock, now: datetime) -> list[tuple]:
    stats = draw_stats(draw.id, now=now)
    rec = stats.reconciliation
    if rec.ok:
        reconciliation = "OK: payments = paid bookings + unmatched + needs attention + refunded"
    else:
        reconciliation = "PROBLEMS: " + "; ".join(rec.problems)
    t, n, m = "text", "count", "money"
    items = [
        ("label", "Draw", None, None),
        (t, "Name", t, draw.name),
        (t, "Draw number", n, draw.id),
        (t, "State", t, draw.state),
        (t, "Ticket count", n, draw.ticket_count),
        (t, "Price per ticket", m, draw.price_paise),
        (t, "Payee UPI ID", t, draw.payee_vpa),
        (t, "Payee name", t, draw.payee_name),
        (t, "Hold minutes", n, draw.hold_minutes),
        (t, "Max tickets per order", n, draw.max_per_order),
        (t, "Max unpaid bookings per mobile", n, draw.max_pending_per_mobile),
        (t, "Late-payment window (minutes)", n, draw.late_window_minutes),
        (t, "Payee kind", t, draw.payee_kind),
        (t, "Merchant category code", t, draw.merchant_code or "none"),
        (t, "Save QR offered up to", m, draw.gallery_cap_paise),
        (t, "Terms and permit line", "typed", draw.terms or "none"),
        (t, "Sales planned to close", t, clock.text(draw.closes_at) or "not set"),
        (t, "Created", t, clock.text(draw.created_at)),
        (t, "Archived", t, clock.text(draw.archived_at)),
        *_winner_draw_items(draw, clock),
        ("label", "Statistics", None, None),
        (t, "Tickets total", n, stats.tickets_total),
        (t, "Tickets sold", n, stats.tickets_sold),
        (t, "Tickets held", n, stats.tickets_held),
        (t, "Tickets free", n, stats.tickets_free),
        (t, "Paid bookings", n, stats.paid_bookings),
        (t, "Revenue (matched payments)", m, stats.revenue_paise),
        (t, "Pending bookings", n, stats.pending_orders),
        (t, "Expired bookings", n, stats.expired_orders),
        (t, "Cancelled bookings", n, stats.cancelled_orders),
        (t, "Payments recorded", n, stats.payments_count),
        (t, "Unmatched payments", n, stats.unmatched_count),
        (t, "Unmatched total", m, stats.unmatched_paise),
        (t, "Needs attention payments", n, stats.attention_count),
        (t, "Needs attention total", m, stats.attention_paise),
        (t, "Refunded total", m, rec.refunded_paise),
        (t, "Reconciliation", t, reconciliation),
        ("label", "Export", None, None),
        (t, "Exported", t, clock.text(now)),
        (t, "Times shown in", t, clock.name),
    ]
    return items


NOT_DRAWN = "not drawn yet"
SEED_KEPT = "kept secret until the draw"


def _stored_time(iso: str | None) -> datetime | None:
    """A time of the published documents ("2025-05-05T12:30:00Z") back as naive UTC."""
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ") if iso else None


def _winner_draw_items(draw: Draw, clock: Clock) -> list[tuple]:
    """The Summary rows of the winner draw, from what is published: the commitment and the
    announcement from the start, the seed and the frozen inputs only once drawn."""
    public = public_commitment(draw.id)
    results = published_results(draw.id)  # None before the first drawing: no seed to show
    t, n = "text", "count"
    if results is None:
        one_per_buyer = public["one_prize_per_buyer"]
        drawn = [
            (t, "Winners drawn", t, NOT_DRAWN),
            (t, "Public value used", t, NOT_DRAWN),
            (t, "Secret seed (revealed at the draw)", t, SEED_KEPT),
            (t, "Sold-ticket list hash (SHA-256)", t, NOT_DRAWN),
            (t, "Tickets in the draw", t, NOT_DRAWN),
            (t, "Drawings (the draw, then redraws)", n, 0),
        ]
    else:
        one_per_buyer = results["one_prize_per_buyer"]
        drawn = [
            (t, "Winners drawn", t, clock.text(_stored_time(results["drawn_at"]))),
            (t, "Public value used", t, results["public_value"] or "none (no public value was announced)"),
            (t, "Secret seed (revealed at the draw)", t, results["seed"]),
            (t, "Sold-ticket list hash (SHA-256)", t, results["list_hash"]),
            (t, "Tickets in the draw", n, results["sold_count"]),
            (t, "Drawings (the draw, then redraws)", n, len(results["drawings"])),
        ]
    rule = "yes: a buyer wins at most one prize" if one_per_buyer else "no: a buyer may win more than one prize"
    return [
        ("label", "Winner draw", None, None),
        (t, "Draw commitment (SHA-256 of the secret seed)", t, public["commitment"]),
        (t, "Public value announced", t, public["announcement"] or "none announced"),
        (t, "Public value announced at", t, clock.text(_stored_time(public["announced_at"]))),
        (t, "Sales closed", t, clock.text(_stored_time(public["closed_at"]))),
        *drawn,
        (t, "One prize per buyer", t, rule),
    ]


class SummaryWriter(SheetWriter):
    """Item / value pairs whose value column mixes text, counts and money (one fresh cell each)."""

    def write_items(self, items: list[tuple]) -> None:
        self._width(0, max(len(label) for _, label, _, _ in items), SUMMARY_WIDTH)
        self._width(
            1, max(_shown_length(kind, value) for _, _, kind, value in items if value is not None), SUMMARY_WIDTH
        )
        self._write_header()
        for label_kind, label, value_kind, value in items:
            self.ws.append(
                [self.cell_maker(label_kind)(label), None if value is None else self.cell_maker(value_kind)(value)]
            )
            self.rows += 1
            self.counter.step()


BOOKING_COLUMNS = [
    Column("Reference", "text"),
    Column("Name", "typed"),
    Column("Mobile", "text"),
    Column("Tickets", "text"),
    Column("Ticket count", "count"),
    Column("Amount", "money"),
    Column("UTR", "text"),
    Column("Payment source", "word"),
    Column("UTR claimed by buyer", "text"),
]
TICKET_COLUMNS = [
    Column("Ticket", "text"),
    Column("State", "word"),
    Column("Buyer name", "typed"),
    Column("Mobile", "text"),
    Column("Reference", "text"),
]
PAYMENT_COLUMNS_HEAD = [
    Column("Amount", "money"),
    Column("UTR", "text"),
    Column("No UTR", "word"),
    Column("Source", "word"),
    Column("Status", "word"),
    Column("Attention reason", "word"),
    Column("Booking", "text"),
    Column("Payer", "typed"),
    Column("Payer UPI ID", "typed"),
    Column("Reference typed", "typed"),
    Column("Note", "typed"),
    Column("Claimed by booking", "typed"),
]


WINNER_COLUMNS = [
    Column("Drawing", "count"),
    Column("Prize", "typed"),
    Column("Ticket", "text"),
    Column("Buyer name", "typed"),
    Column("Mobile", "text"),
    Column("Booking reference", "text"),
    Column("Name as published", "typed"),
    Column("Redraw reason", "typed"),
]


def shown_utr(utr: str, missing: bool) -> str:
    return f"NO UTR (internal id {utr})" if missing else utr


def _booking_rows(draw: Draw, clock: Clock) -> Iterator[tuple]:
    """Paid orders by id, with the UTR(s) of the payment that settled each."""
    last = 0
    base = (Order.draw == draw.id) & (Order.state == OrderState.PAID)
    while True:
        page = list(
            Order.select(
                Order.id,
                Order.reference,
                Order.name,
                Order.mobile,
                Order.tickets,
                Order.ticket_count,
                Order.payable_paise,
                Order.created_at,
                Order.paid_at,
                Order.claimed_utr,
            )
            .where(base & (Order.id > last))
            .order_by(Order.id)
            .limit(PAGE)
            .tuples()
        )
        if not page:
            return
        first, last = page[0][0], page[-1][0]
        settled: dict[int, list[tuple[str, str]]] = {}
        for order_id, utr, missing, source in (
            Payment.select(Payment.order, Payment.utr, Payment.utr_missing, Payment.source)
            .where((Payment.order >= first) & (Payment.order <= last) & (Payment.status == PaymentState.MATCHED))
            .order_by(Payment.id)
            .tuples()
        ):
            settled.setdefault(order_id, []).append((shown_utr(utr, missing), source))
        for order_id, reference, name, mobile, tickets, count, payable, created, paid, claimed in page:
            payments = settled.get(order_id, [])
            numbers = ", ".join(draw.label(n) for n in tickets)
            yield (
                reference,
                name,
                mobile,
                numbers,
                count,
                payable,
                ", ".join(u for u, _ in payments) or "NO PAYMENT LINKED",
                ", ".join(sorted({s for _, s in payments})) or None,
                claimed,
                clock.local(created),
                clock.local(paid),
            )


def _ticket_rows(draw: Draw, now: datetime) -> Iterator[tuple]:
    """Every ticket by number. A hold that has run out reads as free (as in the statistics)."""
    label = f"{{:0{draw.width}d}}".format  # Draw.label, without recomputing the width per ticket
    last = 0
    while True:
        page = list(
            Ticket.select(Ticket.number, Ticket.state, Ticket.held_until, Order.name, Order.mobile, Order.reference)
            .join(Order, JOIN.LEFT_OUTER, on=(Ticket.order == Order.id))
            .where((Ticket.draw == draw.id) & (Ticket.number > last))
            .order_by(Ticket.number)
            .limit(PAGE)
            .tuples()
        )
        if not page:
            return
        last = page[-1][0]
        for number, state, held_until, name, mobile, reference in page:
            if state == TicketState.HELD and not hold_is_live(held_until, now):
                state = TicketState.FREE
            if state == TicketState.FREE:
                name = mobile = reference = None
            yield label(number), state, name, mobile, reference


def _payment_rows(draw: Draw, clock: Clock) -> Iterator[tuple]:
    """Every payment of the draw by id, with the booking it settled or is a candidate for."""
    settled = Order.alias()
    candidate = Order.alias()
    last = 0
    while True:
        page = list(
            Payment.select(
                Payment.id,
                Payment.received_at,
                Payment.amount_paise,
                Payment.utr,
                Payment.utr_missing,
                Payment.source,
                Payment.status,
                Payment.attention_reason,
                settled.reference,
                candidate.reference,
                Payment.payer,
                Payment.payer_vpa,
                Payment.reference,
                Payment.note,
            )
            .join_from(Payment, settled, JOIN.LEFT_OUTER, on=(Payment.order == settled.id))
            .join_from(Payment, candidate, JOIN.LEFT_OUTER, on=(Payment.candidate == candidate.id))
            .where((Payment.draw == draw.id) & (Payment.id > last))
            .order_by(Payment.id)
            .limit(PAGE)
            .tuples()
        )
        if not page:
            return
        last = page[-1][0]
        claimed = _claimed_by(draw.id, [row[3] for row in page if not row[4]])
        for (
            _,
            received,
            amount,
            utr,
            missing,
            source,
            status,
            reason,
            settled_ref,
            candidate_ref,
            payer,
            payer_vpa,
            typed,
            note,
        ) in page:
            yield (
                clock.local(received),
                amount,
                shown_utr(utr, missing),
                "NO UTR" if missing else None,
                source,
                STATUS_LABELS.get(status, status.upper()),
                REASON_LABELS.get(reason, reason) if reason else None,
                settled_ref or candidate_ref,
                payer,
                payer_vpa,
                typed,
                note,
                claimed.get(utr),
            )


def _claimed_by(draw_id: int, utrs: list[str]) -> dict[str, str]:
    """UTR → "LD-… (name)" of the booking whose buyer handed it in (an open one first)."""
    return {utr: f"{reference} ({name})" for utr, (reference, name) in claimants(draw_id, utrs).items()}


def _winner_rows(history: list[DrawingResult], clock: Clock) -> list[tuple]:
    """Every winner of every drawing, the draw first, then each redraw, prizes in drawing order."""
    return [
        (
            d.number,
            w.prize,
            w.label,
            w.buyer_name,
            w.mobile,
            w.reference,
            w.public_name,
            d.reason or None,
            clock.local(d.drawn_at),
        )
        for d in history
        for w in d.winners
    ]


# ---------------------------------------------------------------------------------------------
# The workbook


@contextmanager
def _snapshot():
    """A read transaction that sees one consistent state of the database for the whole export
    (SQLite in WAL mode gives it to any transaction; PostgreSQL needs REPEATABLE READ)."""
    db = database.obj
    outer = db.in_transaction()
    with db.atomic():
        if not outer and not is_sqlite():
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _build(wb: Workbook, draw: Draw, now: datetime, clock: Clock, progress: Progress | None) -> None:
    summary = _summary_rows(draw, clock, now)
    bookings = Order.select().where((Order.draw == draw.id) & (Order.state == OrderState.PAID)).count()
    tickets = Ticket.select().where(Ticket.draw == draw.id).count()
    payments = Payment.select().where(Payment.draw == draw.id).count()
    winners = _winner_rows(drawings(draw.id), clock)
    counter = Counter(len(summary) + bookings + tickets + payments + len(winners), progress)

    SummaryWriter(
        wb, "Summary", [Column("Item", "text"), Column("Value", "text")], counter, autofilter=False
    ).write_items(summary)

    paid = (Order.draw == draw.id) & (Order.state == OrderState.PAID)
    booking_columns = BOOKING_COLUMNS + [
        Column(f"Booked at ({clock.abbrev})", "time"),
        Column(f"Paid at ({clock.abbrev})", "time"),
    ]
    SheetWriter(wb, "Bookings", booking_columns, counter).write(
        _booking_rows(draw, clock), {1: _longest(Order.name, paid)}
    )

    live = (Order.draw == draw.id) & Order.state.in_((OrderState.PENDING, OrderState.PAID))
    SheetWriter(wb, "Tickets", TICKET_COLUMNS, counter).write(
        _ticket_rows(draw, now),
        {2: _longest(Order.name, live), 3: _longest(Order.mobile, live), 4: _longest(Order.reference, live)},
    )

    of_draw = Payment.draw == draw.id
    payment_columns = [Column(f"Received at ({clock.abbrev})", "time")] + PAYMENT_COLUMNS_HEAD
    SheetWriter(wb, "Payments", payment_columns, counter).write(
        _payment_rows(draw, clock),
        {
            index: _longest(column, of_draw)
            for index, column in (
                (8, Payment.payer),
                (9, Payment.payer_vpa),
                (10, Payment.reference),
                (11, Payment.note),
            )
        },
    )

    SheetWriter(wb, "Winners", WINNER_COLUMNS + [Column(f"Drawn at ({clock.abbrev})", "time")], counter).write(winners)
    _write_audit(wb, draw, clock, counter)
    counter.finish()


def default_export_path(draw: Draw, exports_dir, now) -> Path:
    """Where a draw's workbook goes by default: exports/draw-<id>-<name>-<time>.xlsx."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in draw.name).strip("-")[:40] or "draw"
    return Path(exports_dir) / f"draw-{draw.id}-{safe}-{now:%Y%m%d-%H%M%S}.xlsx"


AUDIT_COLUMNS = [Column("Finding", "word"), Column("Amount", "money"), Column("UTR", "text"), Column("Detail", "typed")]


def _write_audit(wb: Workbook, draw: Draw, clock: Clock, counter: Counter) -> None:
    """The Audit sheet, when a bank statement was imported into the draw: both ways, what disagrees."""
    report = audit_draw(draw)
    if report is not None:
        columns = [Column(f"When ({clock.abbrev})", "time")] + AUDIT_COLUMNS
        SheetWriter(wb, "Audit", columns, counter).write((clock.local(at), *rest) for at, *rest in audit_rows(report))


def export_draw(
    draw_id: int, path, progress: Progress | None = None, now: datetime | None = None, *, zone: tzinfo | None = None
) -> Path:
    """Write the workbook of draw `draw_id` to `path` (parent folders are created) and return it.

    `progress(done, total)` is called about every 1,000 rows and once at the end with
    (total, total); total counts the rows of all sheets. Times are shown in `zone` (default: the
    computer's local time zone). Raises NotFound for an unknown draw and ExportFailed when the
    file cannot be written; a failed export leaves no file behind."""
    now = now or utcnow()
    clock = Clock(zone, now)
    target = Path(path)
    with _snapshot():
        draw = get_draw(draw_id)  # an unknown draw fails before anything touches the disk
        try:
            temp_name = _temporary_file(target)
            lock = _hold(temp_name)
        except OSError as exc:
            raise ExportFailed(f"Cannot write the export to {target}: {exc.strerror or exc}.") from None
        wb = Workbook(write_only=True)
        try:
            _pause_for_tests()
            _build(wb, draw, now, clock, progress)
        except BaseException:
            _discard(wb, temp_name)
            if lock is not None:
                os.close(lock)
            raise
    try:
        wb.save(temp_name)
        with open(temp_name, "rb+") as saved:
            os.fsync(saved.fileno())
        os.replace(temp_name, target)
    except BaseException as exc:
        _discard(wb, temp_name)
        if isinstance(exc, OSError):
            raise ExportFailed(f"Cannot write the export to {target}: {exc.strerror or exc}.") from None
        raise
    finally:
        if lock is not None:
            os.close(lock)
    return target


def _hold(temp_name: str) -> int | None:
    """Lock the temporary file while it is written (the lock goes with the process, even on kill -9),
    so that `export_in_progress` tells a running export from one that was stopped."""
    if fcntl is None:
        return None
    fd = os.open(temp_name, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def export_in_progress(temp_path) -> bool:
    """Whether some process is still writing this temporary export file."""
    if fcntl is None:
        return False
    try:
        fd = os.open(temp_path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _pause_for_tests() -> None:
    """LUCKYDRAW_EXPORT_PAUSE=<seconds> holds an export after its temporary file exists, so that
    a test can stop the process mid-export."""
    pause = os.environ.get("LUCKYDRAW_EXPORT_PAUSE")
    if pause:
        time.sleep(float(pause))


def _temporary_file(target: Path) -> str:
    """An empty file next to `target` with a name no one else uses (permissions follow the umask)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        name = str(target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return name
        except FileExistsError:
            continue


def _discard(wb: Workbook, temp_name: str) -> None:
    """Remove the partial file and the sheets' streaming buffers of a failed export."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
            if ws._writer is not None:
                ws._writer.cleanup()
        except Exception:  # noqa: BLE001 - best effort; openpyxl also removes them at exit
            pass
    try:
        os.unlink(temp_name)
    except FileNotFoundError:
        pass


__all__ = ["ExportFailed", "export_draw", "safe_text", "rupees_value", "shown_utr"]
