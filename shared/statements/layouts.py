"""The column layouts of the banks' statement exports, and finding the table in a grid.

A statement has title rows, account details and footer totals around its table. The header row is
the first row (of the first 80) whose cells name a date, a credit (or a single amount) column and
a narration. The bank is known from its own column names (HDFC, ICICI, SBI, Axis, Kotak); any
other bank works when its headers use the usual words, or when the organiser names the columns
(`date=Txn Date,credit=Deposit,narration=Remarks`).
"""

import re
from dataclasses import dataclass

from .read import StatementUnreadable, cell_text

HEADER_SCAN_ROWS = 80

ROLES = ("date", "value_date", "narration", "reference", "debit", "credit", "amount", "drcr", "balance")
_ALIASES = {
    "date": (
        "txndate",
        "transactiondate",
        "trandate",
        "date",
        "postingdate",
        "transdate",
        "txnpostdate",
        "bookingdate",
    ),
    "value_date": ("valuedate", "valuedt"),
    "narration": (
        "narration",
        "transactionremarks",
        "description",
        "particulars",
        "remarks",
        "transactiondetails",
        "details",
    ),
    "reference": (
        "chqrefno",
        "refnochequeno",
        "chequenumber",
        "chqno",
        "chequeno",
        "refno",
        "chqrefnumber",
        "referenceno",
        "utr",
        "utrno",
        "utrnumber",
    ),
    "debit": ("withdrawalamt", "withdrawalamountinr", "withdrawal", "withdrawals", "debit", "dr", "debitamount"),
    "credit": ("depositamt", "depositamountinr", "deposit", "deposits", "credit", "cr", "creditamount"),
    "amount": ("amount", "amountinr", "transactionamount", "amt", "txnamount"),
    "drcr": ("drcr", "crdr", "debitcredit", "type", "transactiontype"),
    "balance": ("closingbalance", "balanceinr", "balance", "bal", "runningbalance"),
}


@dataclass(frozen=True)
class Layout:
    name: str  # shown to the organiser
    key: str  # what --bank takes
    signature: frozenset  # normalised header names that only this bank's export has together
    shown_headers: str  # for messages


BANKS = (
    Layout(
        "HDFC Bank",
        "hdfc",
        frozenset({"narration", "chqrefno", "valuedt", "withdrawalamt", "depositamt"}),
        "Date, Narration, Chq./Ref.No., Value Dt, Withdrawal Amt., Deposit Amt., Closing Balance",
    ),
    Layout(
        "ICICI Bank",
        "icici",
        frozenset({"transactionremarks", "withdrawalamountinr", "depositamountinr"}),
        "Value Date, Transaction Date, Cheque Number, Transaction Remarks, Withdrawal Amount (INR), "
        "Deposit Amount (INR), Balance (INR)",
    ),
    Layout(
        "State Bank of India",
        "sbi",
        frozenset({"txndate", "description", "refnochequeno", "debit", "credit"}),
        "Txn Date, Value Date, Description, Ref No./Cheque No., Debit, Credit, Balance",
    ),
    Layout(
        "Axis Bank",
        "axis",
        frozenset({"trandate", "particulars", "chqno", "dr", "cr"}),
        "Tran Date, CHQNO, PARTICULARS, DR, CR, BAL",
    ),
    Layout(
        "Kotak Mahindra Bank",
        "kotak",
        frozenset({"description", "chqrefnumber", "amount", "drcr"}),
        "Date, Description, Chq / Ref number, Amount, Dr / Cr, Balance",
    ),
)
GENERIC = Layout("Other bank", "generic", frozenset(), "Date, Narration/Description, Credit/Deposit")
BANK_KEYS = tuple(layout.key for layout in BANKS)


@dataclass(frozen=True)
class Table:
    layout: Layout
    header_row: int  # index in the grid
    columns: dict  # role -> column index
    headers: tuple  # the header row as text


def norm(text) -> str:
    return re.sub(r"[^a-z0-9]", "", cell_text(text).lower())


def parse_columns(spec: str) -> dict:
    """'date=Txn Date,credit=Deposit,narration=Remarks' → {'date': 'txndate', …} (normalised)."""
    roles = {}
    for part in str(spec or "").split(","):
        if not part.strip():
            continue
        role, sep, header = part.partition("=")
        role = role.strip().lower().replace("-", "_")
        if not sep or not header.strip():
            raise StatementUnreadable(f"'{part.strip()[:40]}' should be ROLE=Column name, like credit=Deposit Amt.")
        if role not in ROLES:
            raise StatementUnreadable(f"Unknown column role '{role[:20]}'; the roles are {', '.join(ROLES)}.")
        roles[role] = norm(header)
    if "date" not in roles or not ({"credit", "amount"} & roles.keys()):
        raise StatementUnreadable("--columns needs at least date=… and credit=… (or amount=… for one signed column).")
    return roles


def _assign(cells: list[str]) -> dict:
    found = {}
    for role in ROLES:
        for alias in _ALIASES[role]:
            for index, cell in enumerate(cells):
                if cell == alias and index not in found.values():
                    found[role] = index
                    break
            if role in found:
                break
    return found


def _bank_of(cells: set) -> Layout | None:
    return next((layout for layout in BANKS if layout.signature <= cells), None)


def find_table(grid: list[list], name: str, bank: str | None = None, columns: str | None = None) -> Table:
    """The statement's table: which row is the header and which column holds what."""
    wanted = None
    if bank:
        wanted = next((layout for layout in BANKS if layout.key == bank.strip().lower()), None)
        if wanted is None and bank.strip().lower() != "generic":
            raise StatementUnreadable(f"Unknown bank '{bank[:20]}'; known: {', '.join(BANK_KEYS)} (or use --columns).")
    named = parse_columns(columns) if columns else None
    near_miss = None
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        cells = [norm(cell) for cell in row]
        present = set(cells) - {""}
        if len(present) < 2:
            continue
        if named is not None:
            if set(named.values()) <= present:
                roles = {role: cells.index(header) for role, header in named.items()}
                return Table(wanted or _bank_of(present) or GENERIC, index, roles, tuple(map(cell_text, row)))
            continue
        layout = _bank_of(present)
        if wanted is not None and layout is not wanted:
            continue
        roles = _assign(cells)
        if "date" in roles and "narration" in roles:
            if "credit" in roles or ("amount" in roles):
                return Table(layout or GENERIC, index, roles, tuple(map(cell_text, row)))
            near_miss = near_miss or index
    raise _not_found(name, named, near_miss, wanted)


def _not_found(name, named, near_miss, wanted) -> StatementUnreadable:
    if named is not None:
        return StatementUnreadable(
            f"No row of {name} has the columns named in --columns "
            f"({', '.join(f'{r}={h}' for r, h in named.items())}, compared without spaces or punctuation)."
        )
    if near_miss is not None:
        return StatementUnreadable(
            f"No credit column found in {name}: the table has no Deposit/Credit or Amount column "
            f"(name it with --columns credit=…)."
        )
    if wanted is not None:
        return StatementUnreadable(
            f"No {wanted.name} statement table found in {name}: no row has {wanted.shown_headers}."
        )
    return StatementUnreadable(
        f"{name} is not a statement this program knows: no row has a date, a narration and a credit column "
        f"(HDFC, ICICI, SBI, Axis, Kotak are known; for another bank use --columns date=…,credit=…,narration=…)."
    )
