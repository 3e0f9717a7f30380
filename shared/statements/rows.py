"""A statement file read to the end: its credits, debits and unreadable rows, each with the UPI
details of its narration (UTR, payer, VPA, booking reference) read by the same rules as a bank SMS,
and a checksum that stays the same when the same row is read again (from a CSV or an XLS of it).

`read_statement(path)` is pure: it opens the file and changes nothing anywhere.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..ids import normalise_reference
from ..upi_text import UtrNotFound, find_payer_name, find_payer_vpa, find_utr, utr_candidates
from ..validation import clean_name
from .layouts import Layout, Table, find_table, parse_columns
from .read import StatementUnreadable, cell_text, read_grid
from .values import CellProblem, RowTime, amount_cell, date_cell

CREDIT, DEBIT, UNREADABLE = "credit", "debit", "unreadable"
MAX_NARRATION = 500

_FOOTER = re.compile(
    r"statement\s+summary|opening\s+balance|closing\s+balance|^\s*total|grand\s+total|end\s+of\s+statement"
    r"|computer[\s-]+generated|generated\s+(?:on|by)|^\s*page\s+\d",
    re.IGNORECASE,
)
_REVERSAL = re.compile(r"\b(?:rev|reversal|reversed|reverse|return(?:ed)?|ret|refund|chargeback)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\bLD[-\s_/]?([A-Z0-9]{6})(?![A-Z0-9])", re.IGNORECASE)


@dataclass
class StatementRow:
    number: int  # the row's line in the file, 1-based, as a spreadsheet shows it
    kind: str  # credit, debit or unreadable
    amount_paise: int = 0  # always positive
    when: RowTime | None = None
    narration: str = ""
    reference: str = ""
    balance: str = ""
    utr: str | None = None
    utr_problem: str | None = None
    payer: str | None = None
    payer_vpa: str | None = None
    order_reference: str | None = None
    reversal: bool = False  # the bank's own reversal of an earlier transaction, not a buyer's payment
    problem: str | None = None  # why an unreadable row could not be read
    checksum: str = ""


@dataclass
class Statement:
    name: str
    file_kind: str
    layout: Layout
    header_row: int
    rows: list = field(default_factory=list)
    noise_rows: int = 0  # title, account, blank and footer rows around the table

    @property
    def credits(self) -> list:
        return [row for row in self.rows if row.kind == CREDIT]

    @property
    def debits(self) -> list:
        return [row for row in self.rows if row.kind == DEBIT]

    @property
    def unreadable(self) -> list:
        return [row for row in self.rows if row.kind == UNREADABLE]

    @property
    def period(self):
        """(first day, last day) of the dated rows, India dates; None when nothing is dated."""
        days = [row.when.day for row in self.rows if row.when is not None]
        return (min(days), max(days)) if days else None


def _cell(row: list, table: Table, role: str):
    index = table.columns.get(role)
    return row[index] if index is not None and index < len(row) else None


def _signed_amount(row: list, table: Table) -> int | None:
    """Credit positive, debit negative, None when the row has no amount."""
    credit = amount_cell(_cell(row, table, "credit"))
    debit = amount_cell(_cell(row, table, "debit"))
    if credit is not None and debit is not None:
        raise CellProblem("the row has both a credit and a debit amount")
    if credit is not None:
        return credit if "debit" in table.columns else credit  # a signed credit column keeps its sign
    if debit is not None:
        return -abs(debit)
    amount = amount_cell(_cell(row, table, "amount"))
    if amount is None:
        return None
    side = norm_side(_cell(row, table, "drcr"))
    if side == "dr":
        return -abs(amount)
    if side == "cr":
        return abs(amount)
    return amount


def norm_side(value) -> str | None:
    text = re.sub(r"[^a-z]", "", cell_text(value).lower())
    if text in ("cr", "c", "credit", "deposit"):
        return "cr"
    if text in ("dr", "d", "debit", "withdrawal"):
        return "dr"
    return None


def _reference_text(value) -> str:
    text = cell_text(value)
    digits = text.lstrip("0")
    if text.isdigit() and len(text) > 12 and len(digits) == 12:
        return digits  # HDFC pads the UPI reference with zeros: 0000412345678901
    return text


def _upi_details(row: StatementRow) -> None:
    row.utr, row.utr_problem = None, None
    sources = [text for text in (row.reference, row.narration) if text]
    for text in sources:
        if utr_candidates(text):
            try:
                row.utr = find_utr(text)
            except UtrNotFound as err:
                row.utr_problem = err.message
            break
    else:
        row.utr_problem = "no 12-digit UTR in the narration or reference"
    text = row.narration
    vpa = find_payer_vpa(text) if text else None
    row.payer_vpa = vpa
    payer = find_payer_name(text) if text else None
    if payer:
        try:
            row.payer = clean_name(payer[:80], "Payer")
        except Exception:  # noqa: BLE001 — a name with odd characters is simply not taken
            row.payer = None
    for match in _REFERENCE.finditer(" ".join(sources)):
        reference = normalise_reference(match.group(0))
        if reference:
            row.order_reference = reference
            break
    row.reversal = bool(_REVERSAL.search(text))


def _balance_key(text: str) -> str:
    try:
        value = amount_cell(text)
    except CellProblem:
        return text
    return "" if value is None else str(value)


def _checksum(row: StatementRow, seen: dict) -> str:
    """The same for the same row read again, from this file or another export of the statement
    (CSV with dates, XLS with times): the day, amount, narration, reference and balance."""
    key = "|".join(
        (
            row.when.day.isoformat() if row.when else "",
            str(row.amount_paise if row.kind == CREDIT else -row.amount_paise),
            row.narration.upper(),
            row.reference.lstrip("0").upper(),
            _balance_key(row.balance),
        )
    )
    seen[key] = seen.get(key, 0) + 1
    return hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()


def _table_rows(grid: list[list], table: Table):
    """(line number, row) of the table's body, up to the footer."""
    for index in range(table.header_row + 1, len(grid)):
        row = grid[index]
        texts = [cell_text(cell) for cell in row]
        if any(_FOOTER.search(text) for text in texts if text):
            return
        yield index + 1, row, texts


def read_statement(path, bank: str | None = None, columns: str | None = None) -> Statement:
    name = Path(path).name
    if columns:
        parse_columns(columns)  # a mistyped option is told before the file is read
    kind, grid = read_grid(path)
    return parse_grid(grid, name, kind, bank, columns)


def parse_grid(grid, name, kind="csv", bank=None, columns=None) -> Statement:
    table = find_table(grid, name, bank, columns)
    statement = Statement(name, kind, table.layout, table.header_row)
    statement.noise_rows = table.header_row
    seen: dict = {}
    for number, cells, texts in _table_rows(grid, table):
        filled = [text for text in texts if text]
        if not filled or not any(ch.isalnum() for text in filled for ch in text):
            statement.noise_rows += 1
            continue
        row = StatementRow(number, UNREADABLE)
        row.narration = cell_text(_cell(cells, table, "narration"))[:MAX_NARRATION]
        row.reference = _reference_text(_cell(cells, table, "reference"))[:60]
        row.balance = cell_text(_cell(cells, table, "balance"))[:30]
        try:
            amount = _signed_amount(cells, table)
        except CellProblem as err:
            amount, row.problem = None, err.message
        try:
            row.when = date_cell(_cell(cells, table, "date")) or date_cell(_cell(cells, table, "value_date"))
        except CellProblem as err:
            if amount is None and row.problem is None:
                statement.noise_rows += 1  # a note or a heading inside the table, no money
                continue
            row.problem = row.problem or err.message
        if row.when is None and row.problem is None:
            if amount is None:
                statement.noise_rows += 1
                continue
            row.problem = "the row has an amount but no date"
        if row.problem is None and amount is None:
            row.problem = "the row has a date but no credit or debit amount"
        if row.problem is None:
            row.kind = CREDIT if amount > 0 else DEBIT
            row.amount_paise = abs(amount)
            _upi_details(row)
            row.checksum = _checksum(row, seen)
        statement.rows.append(row)
    if not statement.rows:
        raise StatementUnreadable(f"{name} has a statement table but no transactions in it.")
    if not statement.credits and not statement.debits:
        first = statement.rows[0]
        raise StatementUnreadable(f"No row of {name} could be read: row {first.number}: {first.problem}.")
    return statement
