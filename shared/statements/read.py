"""Read a statement file into a grid of cells, whatever the extension claims.

Banks' net-banking sites hand out CSV, XLSX, legacy XLS, and "XLS" files that are really an HTML
table or CSV. The kind is told from the bytes: a ZIP is XLSX (openpyxl), an OLE2 container is XLS
(xlrd) unless it is a password-protected workbook, text with a <table> is HTML (lxml), other text
is CSV. Anything else (a PDF, an image, garbage) raises `StatementUnreadable` with one clear line.
Cells come back as str, int/float, datetime or None.
"""

import csv
import io
from datetime import datetime
from pathlib import Path

from ..errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class StatementUnreadable(InvalidInput):
    """The file is not a statement this program can read; the message says why."""

    code = "statement_unreadable"


def read_grid(path) -> tuple[str, list[list]]:
    """(kind, rows) of the file at `path`; kind is 'csv', 'xlsx', 'xls' or 'html'."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise StatementUnreadable(f"{path.name} is {size // 1024 // 1024} MB: too large to be a bank statement.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise StatementUnreadable(f"There is no file {str(path)[:200]}.") from None
    except IsADirectoryError:
        raise StatementUnreadable(f"{str(path)[:200]} is a folder, not a statement file.") from None
    except OSError as err:
        raise StatementUnreadable(f"{path.name} cannot be read: {err.strerror or err}.") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str = "the file") -> tuple[str, list[list]]:
    if not data.strip():
        raise StatementUnreadable(f"{name} is empty.")
    if data.startswith(b"%PDF"):
        raise StatementUnreadable(
            f"{name} is a PDF; download the statement from net banking as CSV, XLS or XLSX instead."
        )
    if data.startswith(_ZIP):
        return "xlsx", _xlsx(data, name)
    if data.startswith(_OLE2):
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptionInfo" in data:
            raise StatementUnreadable(f"{name} is password-protected; open it, save it without a password, try again.")
        return "xls", _xls(data, name)
    text = _text(data, name)
    head = text[:20000].lower()
    if "<table" in head or "<html" in head:
        return "html", _html(text, name)
    return "csv", _csv(text, name)


def _bounded(rows, name: str) -> list[list]:
    grid: list[list] = []
    for row in rows:
        if len(grid) >= MAX_ROWS:
            raise StatementUnreadable(f"{name} has more than {MAX_ROWS:,} rows: too large to be a bank statement.")
        grid.append(list(row))
    return grid


def _xlsx(data: bytes, name: str) -> list[list]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        raise StatementUnreadable(f"{name} is a ZIP file but not an Excel workbook ({type(err).__name__}).") from None
    try:
        sheet = _first_sheet_with_rows(book.worksheets)
        return _bounded(sheet.iter_rows(values_only=True), name) if sheet is not None else []
    finally:
        book.close()


def _first_sheet_with_rows(sheets):
    for sheet in sheets:
        if getattr(sheet, "max_row", 0):
            return sheet
    return sheets[0] if sheets else None


def _xls(data: bytes, name: str) -> list[list]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.biffh.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise StatementUnreadable(
                f"{name} is password-protected; open it, save it without a password, try again."
            ) from None
        raise StatementUnreadable(f"{name} is not an Excel workbook this program can read ({err}).") from None
    except Exception as err:  # noqa: BLE001 — xlrd fails on a damaged file in many ways; each means the same
        raise StatementUnreadable(f"{name} is not an Excel workbook this program can read ({err}).") from None
    try:
        sheet = next((book.sheet_by_index(i) for i in range(book.nsheets) if book.sheet_by_index(i).nrows), None)
        if sheet is None:
            return []
        rows = []
        for r in range(min(sheet.nrows, MAX_ROWS + 1)):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        row.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        return _bounded(rows, name)
    finally:
        book.release_resources()


def _text(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    odd = sum(1 for ch in sample if (not ch.isprintable() and ch not in "\r\n\t") or ch == "\ufffd")
    if "\x00" in sample or odd > len(sample) // 20:
        raise StatementUnreadable(f"{name} is not a statement: neither a spreadsheet nor text with rows and columns.")
    return text


def _html(text: str, name: str) -> list[list]:
    from lxml import etree, html

    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as err:
        raise StatementUnreadable(f"{name} looks like a web page but cannot be read ({err}).") from None
    rows = []
    for tr in root.iter("tr"):
        cells = [" ".join(cell.text_content().split()) or None for cell in tr if cell.tag in ("td", "th")]
        if cells:
            rows.append(cells)
    return _bounded(rows, name)


def _csv(text: str, name: str) -> list[list]:
    """CSV with whichever delimiter gives the widest rows (amounts like 1,250.00 sit in tab- or
    semicolon-separated files too, so the first comma seen proves nothing)."""
    head = text[:32768].splitlines()[:80]
    best, widest = ",", 0
    for delimiter in (",", "\t", ";", "|"):
        try:
            width = max((len(row) for row in csv.reader(head, delimiter=delimiter)), default=0)
        except csv.Error:
            continue
        if width > widest:
            best, widest = delimiter, width
    try:
        rows = [[cell.strip() or None for cell in row] for row in csv.reader(io.StringIO(text), delimiter=best)]
    except csv.Error as err:
        raise StatementUnreadable(f"{name} cannot be read as CSV: {err}.") from None
    if not any(len(row) > 1 for row in rows):
        raise StatementUnreadable(f"{name} is not a statement: it has no rows with several columns.")
    return _bounded(rows, name)


def cell_text(value) -> str:
    """A cell as text for narrations and references (numbers without a trailing .0). Control
    characters (a file could carry terminal escapes) become spaces: a narration is data to show."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
